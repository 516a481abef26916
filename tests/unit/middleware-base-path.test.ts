/**
 * The middleware under a `basePath`: the sign-in redirect, its `callbackUrl` and the 403 rewrite
 * all stay under it; and the refused page visit carries the kit's `Cache-Control: private,
 * no-store`. The copy-into-project test proves the same on a build that sets `basePath`.
 */
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { authorizationMiddleware } from "@/lib/authz/middleware";
import { authJsSession } from "@/lib/authz/session";
import { sessionCookie } from "@/lib/authz/testing";

const SECRET = "middleware-base-path-secret-0123456789abcdef";
const access = defineAccess({ roles: { member: {}, admin: { inherits: ["member"] } } });
const admin = access.policy({ name: "admin", role: "admin" });
const middleware = authorizationMiddleware(
  createAuthz({ session: authJsSession({ secret: SECRET }) }),
  {
    rules: [{ path: "/admin/**", policy: admin, kind: "page" }],
    signInPath: "/signin",
    forbiddenPath: "/403",
  },
);

const visit = async (url: string, basePath: string, cookie?: string) =>
  (await middleware(
    new NextRequest(url, {
      headers: cookie ? { cookie } : {},
      nextConfig: basePath ? { basePath } : {},
    }),
  ))!;

describe.each([
  ["no basePath", ""],
  ["basePath /app", "/app"],
  ["basePath /deep/app", "/deep/app"],
])("%s", (_label, basePath) => {
  it("an anonymous page visit is redirected to sign-in under the basePath, back to the full path", async () => {
    const response = await visit(`http://site.test${basePath}/admin/users?tab=2`, basePath);
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin).toBe("http://site.test");
    expect(location.pathname).toBe(`${basePath}/signin`);
    expect(location.searchParams.get("callbackUrl")).toBe(`${basePath}/admin/users?tab=2`);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("a refused signed-in visit is rewritten to the 403 page under the basePath, never cacheable", async () => {
    const member = await sessionCookie({ sub: "u-1", role: "member" }, { secret: SECRET });
    const response = await visit(`http://site.test${basePath}/admin`, basePath, member);
    expect(new URL(response.headers.get("x-middleware-rewrite")!).pathname).toBe(`${basePath}/403`);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });
});
