/**
 * A credential source's `responseHeaders` reach the route's answer: Better Auth's own
 * `auth.api.getSession` (a real instance, memory adapter) refreshes the session once `updateAge`
 * has passed and re-sets the cookie cache once it has expired; `sessionFromBetterAuth` keeps those
 * `Set-Cookie` lines and `withAuthorization` appends them to the handler's Response, beside the
 * handler's own. They are real: sent back, the Edge source decides from them alone. A refusal
 * never sets a cookie (DESIGN §1.3), and a request Better Auth does not refresh gets none.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defineAccess } from "@/lib/authz";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { betterAuthClaims, betterAuthSession } from "@/lib/authz/session/better-auth";
import { sessionFromBetterAuth } from "@/lib/authz/session/better-auth-adapter";
import { routeContext } from "@/lib/authz/testing";
import { TEST_SECRET, signUp, testAuth } from "../support/better-auth";

const access = defineAccess({ roles: { member: {}, admin: { inherits: ["member"] } } });
const member = access.policy({ name: "member", role: "member" });
const admin = access.policy({ name: "admin", role: "admin" });

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.UTC(2026, 11, 1, 12, 0);

function setup() {
  const { auth } = testAuth();
  const source = sessionFromBetterAuth(auth, {
    // Every signed-up user is a member here; nobody is an admin.
    toClaims: (session) => ({ ...betterAuthClaims(session), roles: ["member"] }),
  });
  const authz = createAuthz({ session: source });
  const handler = async () => {
    const response = Response.json({ ok: true });
    response.headers.append("Set-Cookie", "handler-own=1; Path=/");
    return response;
  };
  return {
    auth,
    memberRoute: authz.withAuthorization(member, handler),
    adminRoute: authz.withAuthorization(admin, handler),
  };
}

const request = (cookie: string) =>
  new Request("http://localhost:3000/api/thing", { headers: { cookie } });
const names = (response: Response) =>
  response.headers.getSetCookie().map((line) => line.slice(0, line.indexOf("=")));
/** The Cookie header a browser sends after `response` updated `cookie`. */
function browserAfter(cookie: string, response: Response): string {
  const jar = new Map(cookie.split("; ").map((pair) => pair.split(/=(.*)/s) as [string, string]));
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const [name = "", value = ""] = pair.split(/=(.*)/s);
    jar.set(name, value);
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}
const edge = betterAuthSession({ secret: TEST_SECRET, secure: false });

describe("withAuthorization appends the Set-Cookie its credential source asks for", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("after updateAge: Better Auth's refreshed session and cache cookies arrive on the Response", async () => {
    const { auth, memberRoute } = setup();
    const cookie = await signUp(auth, "alice@example.com");
    vi.setSystemTime(T0 + 2 * DAY); // updateAge (1 day) passed, expiresIn (7 days) not
    expect((await edge.read(request(cookie))).status).toBe("unknown"); // the cache expired

    const response = await memberRoute(request(cookie), routeContext());
    expect(response.status).toBe(200);
    const set = names(response);
    expect(set).toContain("better-auth.session_token");
    expect(set).toContain("better-auth.session_data");
    expect(set).toContain("handler-own"); // appended beside the handler's own, not instead
    // Real cookies: the browser's jar after this answer lets the Edge decide alone, and the
    // refreshed token carries Better Auth's new expiry (seven days from now).
    const after = browserAfter(cookie, response);
    const read = await edge.read(request(after));
    expect(read.status).toBe("ok");
    const token = response.headers
      .getSetCookie()
      .find((line) => line.startsWith("better-auth.session_token="))!;
    expect(token).toMatch(/Max-Age=604800/i);
    // Better Auth itself agrees: the refreshed session is current in its database.
    const again = await auth.api.getSession({
      headers: new Headers({ cookie: after }),
      query: { disableCookieCache: true },
    });
    expect(again?.session.expiresAt.getTime()).toBe(T0 + 2 * DAY + 7 * DAY);
  });

  it("after the cookie cache expired: the re-set cache arrives; a fresh cache sets nothing", async () => {
    const { auth, memberRoute } = setup();
    const cookie = await signUp(auth, "bob@example.com");
    const fresh = await memberRoute(request(cookie), routeContext());
    expect(fresh.status).toBe(200);
    expect(names(fresh)).toEqual(["handler-own"]);

    vi.setSystemTime(T0 + 10 * MINUTE); // past the cache's 300 s, well before updateAge
    const response = await memberRoute(request(cookie), routeContext());
    expect(response.status).toBe(200);
    // Exactly the lines Better Auth emits for this request at this instant, in its order (it
    // clears the stale cache, then sets the new one), after the handler's own.
    const own = await auth.api.getSession({
      headers: new Headers({ cookie }),
      returnHeaders: true,
    });
    expect(own.headers.getSetCookie().length).toBeGreaterThan(0);
    expect(response.headers.getSetCookie()).toEqual([
      "handler-own=1; Path=/",
      ...own.headers.getSetCookie(),
    ]);
    expect((await edge.read(request(browserAfter(cookie, response)))).status).toBe("ok");
  });

  it("never on a refusal: the 403 of a refreshed session sets no cookie", async () => {
    const { auth, adminRoute } = setup();
    const cookie = await signUp(auth, "carol@example.com");
    vi.setSystemTime(T0 + 2 * DAY);
    const response = await adminRoute(request(cookie), routeContext());
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
    // Better Auth did emit cookies for this request: the kit kept them off the refusal.
    const emitted = await auth.api.getSession({
      headers: new Headers({ cookie }),
      returnHeaders: true,
    });
    expect(emitted.headers.getSetCookie().length).toBeGreaterThan(0);
  });

  it("keeps an immutable handler Response's own headers and adds the source's", async () => {
    const { auth } = setup();
    const cookie = await signUp(auth, "dave@example.com");
    const source = sessionFromBetterAuth(auth, {
      toClaims: (session) => ({ ...betterAuthClaims(session), roles: ["member"] }),
    });
    const authz = createAuthz({ session: source });
    const redirecting = authz.withAuthorization(member, async () =>
      Response.redirect("http://localhost:3000/next", 303),
    );
    vi.setSystemTime(T0 + 10 * MINUTE);
    const response = await redirecting(request(cookie), routeContext());
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("http://localhost:3000/next");
    expect(new Set(names(response))).toEqual(new Set(["better-auth.session_data"]));
    expect((await edge.read(request(browserAfter(cookie, response)))).status).toBe("ok");
  });
});
