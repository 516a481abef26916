/**
 * `authorize()` for pages runs every rule of a policy, as a route handler does: a resource rule
 * with the page's `load` (404 page for a missing or concealed resource), and a rate limit that
 * counts each render. A resource policy without a loader is refused where the page calls it (and
 * does not compile), never passed on its claims alone.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { memoryRateLimitStore } from "@/lib/authz/rate-limit/memory";
import { authJsSession } from "@/lib/authz/session";
import { sessionCookie } from "@/lib/authz/testing";
import { configError } from "../support/config-error";

const SECRET = "page-authorize-test-secret-0123456789abcdef";

const incoming = { headers: new Headers() };
vi.mock("next/headers", () => ({ headers: async () => incoming.headers }));
const { createPageGuard } = await import("@/lib/authz/server");

// forbidden() and notFound() throw errors Next recognises by digest; forbidden() needs the flag
// `experimental.authInterrupts` sets.
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";
const digestOf = async (render: Promise<unknown>): Promise<string> =>
  render.then(
    () => "rendered",
    (error: { digest?: string }) => error.digest ?? String(error),
  );

const access = defineAccess({ roles: { member: {}, admin: { inherits: ["member"] } } });
const readDoc = access.policy({
  name: "read-doc",
  resource: {
    tenant: "tenantId",
    owner: "ownerId",
    ownerOverride: "admin",
    conceal: "cross-tenant",
  },
});
const limited = access.policy({
  name: "limited-page",
  rateLimit: { operation: "page.report", limit: 2, window: "1m" },
});
const docs: Record<string, { id: string; tenantId: string; ownerId: string }> = {
  mine: { id: "mine", tenantId: "acme", ownerId: "user-bob" },
  theirs: { id: "theirs", tenantId: "acme", ownerId: "user-alice" },
  foreign: { id: "foreign", tenantId: "globex", ownerId: "user-carol" },
};

const authz = createAuthz({
  session: authJsSession({ secret: SECRET }),
  rateLimitStore: memoryRateLimitStore(),
});
const { authorize } = createPageGuard(authz, { signInPath: "/signin" });

beforeEach(async () => {
  const cookie = await sessionCookie(
    { sub: "user-bob", role: "member", tenant: "acme" },
    { secret: SECRET },
  );
  incoming.headers = new Headers({ cookie, "x-forwarded-proto": "http" });
});

describe("authorize() runs every rule", () => {
  it("a resource policy without load throws where the page calls it: never a silent pass", async () => {
    // @ts-expect-error a policy with a resource rule needs the load option
    await expect(authorize(readDoc, { path: "/docs/mine" })).rejects.toThrow(
      configError(
        "invalid_page_guard",
        "Invalid authorize(read-doc): the policy has a resource rule, so the page must pass a load option",
      ),
    );
  });

  it("with load: the owner gets the subject and the resource", async () => {
    const { subject, resource } = await authorize(readDoc, {
      path: "/docs/mine",
      load: () => docs.mine,
    });
    expect(subject.id).toBe("user-bob");
    expect(resource).toEqual(docs.mine);
  });

  it("with load: another owner's document is the 403 page, another tenant's the 404 page", async () => {
    expect(await digestOf(authorize(readDoc, { load: () => docs.theirs }))).toBe(
      "NEXT_HTTP_ERROR_FALLBACK;403",
    );
    expect(await digestOf(authorize(readDoc, { load: () => docs.foreign }))).toBe(
      "NEXT_HTTP_ERROR_FALLBACK;404",
    );
    expect(await digestOf(authorize(readDoc, { load: () => null }))).toBe(
      "NEXT_HTTP_ERROR_FALLBACK;404",
    );
  });

  it("a rate-limited policy counts each render: the third within the window is refused", async () => {
    await expect(authorize(limited, { path: "/report" })).resolves.toMatchObject({
      id: "user-bob",
    });
    await expect(authorize(limited, { path: "/report" })).resolves.toMatchObject({
      id: "user-bob",
    });
    expect(await digestOf(authorize(limited, { path: "/report" }))).toBe(
      "NEXT_HTTP_ERROR_FALLBACK;403",
    );
  });

  it("an anonymous visit is still a sign-in redirect before any rule counts", async () => {
    incoming.headers = new Headers();
    expect(await digestOf(authorize(limited, { path: "/report" }))).toMatch(
      /^NEXT_REDIRECT;replace;\/signin\?callbackUrl=%2Freport;307;/,
    );
  });
});
