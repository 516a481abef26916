/**
 * Pages and middleware send anonymous visitors to sign-in with the same query parameter: both take
 * `callbackParam` (default Auth.js's `callbackUrl`), checked by one function (lib/authz/http/sign-in.ts)
 * when they are configured. Given the same name, the page's redirect and the middleware's
 * carry the same parameter and the same path back.
 */
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { authorizationMiddleware } from "@/lib/authz/middleware";
import { authJsSession } from "@/lib/authz/session";
import { expectConfigError } from "../support/config-error";

vi.mock("next/headers", () => ({ headers: async () => new Headers({ host: "localhost:3000" }) }));
const { createPageGuard } = await import("@/lib/authz/server");

const access = defineAccess({ roles: { member: {}, admin: { inherits: ["member"] } } });
const admin = access.policy({ name: "admin", role: "admin" });
const authz = createAuthz({
  session: authJsSession({ secret: "callback-param-secret-0123456789abcdef" }),
});

/** The sign-in URL a page's authorize() redirects an anonymous visit to (from Next's digest). */
async function pageRedirect(callbackParam?: string): Promise<URL> {
  const { authorize } = createPageGuard(authz, {
    signInPath: "/signin",
    ...(callbackParam ? { callbackParam } : {}),
  });
  const digest = await authorize(admin, { path: "/admin?tab=users" }).then(
    () => "rendered",
    (error: { digest?: string }) => error.digest ?? String(error),
  );
  const match = /^NEXT_REDIRECT;replace;([^;]+);307;/.exec(digest);
  expect(match, digest).not.toBeNull();
  return new URL(match![1]!, "http://localhost:3000");
}

/** The sign-in URL the middleware redirects the same anonymous visit to. */
async function middlewareRedirect(callbackParam?: string): Promise<URL> {
  const middleware = authorizationMiddleware(authz, {
    rules: [{ path: "/admin/**", policy: admin, kind: "page" }],
    signInPath: "/signin",
    forbiddenPath: "/403",
    ...(callbackParam ? { callbackParam } : {}),
  });
  const response = await middleware(new NextRequest("http://localhost:3000/admin?tab=users"));
  expect(response?.status).toBe(307);
  return new URL(response!.headers.get("location")!);
}

describe("callbackParam: one name for pages and middleware", () => {
  it("by default both use Auth.js's callbackUrl", async () => {
    const page = await pageRedirect();
    const edge = await middlewareRedirect();
    expect([...page.searchParams.keys()]).toEqual(["callbackUrl"]);
    expect(page.pathname + page.search).toBe(edge.pathname + edge.search);
    expect(page.searchParams.get("callbackUrl")).toBe("/admin?tab=users");
  });

  it("given the same callbackParam, both send the same URL", async () => {
    const page = await pageRedirect("returnTo");
    const edge = await middlewareRedirect("returnTo");
    expect([...page.searchParams.keys()]).toEqual(["returnTo"]);
    expect(page.searchParams.get("returnTo")).toBe("/admin?tab=users");
    expect(page.pathname + page.search).toBe(edge.pathname + edge.search);
  });

  it("a name that is not a plain query parameter is refused where it is configured", () => {
    for (const bad of ["a&b", "", "x=y", "a b", "x".repeat(65)]) {
      expectConfigError(
        () => createPageGuard(authz, { signInPath: "/signin", callbackParam: bad }),
        "invalid_page_guard",
      );
      expectConfigError(
        () =>
          authorizationMiddleware(authz, {
            rules: [{ path: "/admin/**", policy: admin, kind: "page" }],
            signInPath: "/signin",
            forbiddenPath: "/403",
            callbackParam: bad,
          }),
        "invalid_middleware_options",
      );
    }
  });
});
