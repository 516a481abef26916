/**
 * One scheme decision per request: middleware, route handlers and pages read the same session
 * cookie name (`__Secure-` on HTTPS) for every `X-Forwarded-Proto`, comma lists included, and the
 * same way Next builds `request.url` (`includes('https')`). Before, a page took the first entry of
 * `http, https` as HTTP while Next's URL (and so middleware and handlers) said HTTPS.
 */
import { NextRequest } from "next/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { authorizationMiddleware } from "@/lib/authz/middleware";
import { isHttpsRequest } from "@/lib/authz/http/scheme";
import { authJsSession } from "@/lib/authz/session";
import { routeContext, sessionCookie } from "@/lib/authz/testing";

const SECRET = "scheme-decision-test-secret-0123456789abcdef";

// Pages read the request through next/headers: the test hands them this request's headers.
const incoming = { headers: new Headers() };
vi.mock("next/headers", () => ({ headers: async () => incoming.headers }));
const { createPageGuard } = await import("@/lib/authz/server");

const access = defineAccess({ roles: { member: {} } });
const signedIn = access.policy({ name: "signed-in" });
const authz = createAuthz({ session: authJsSession({ secret: SECRET }) });
const middleware = authorizationMiddleware(authz, {
  rules: [{ path: "/api/**", policy: signedIn, kind: "api" }],
  signInPath: "/signin",
});
const route = authz.withAuthorization(signedIn, async (_r, { subject }) =>
  Response.json({ id: subject.id }),
);
const { authorize } = createPageGuard(authz, { signInPath: "/signin" });

/** Next's own rule for the URL it builds (next-server.js, resolve-routes.js). */
const nextSaysHttps = (proto: string | undefined) => proto?.includes("https") ?? false;

const protos = [undefined, "http", "https", "https, http", "http, https", "https,https"];

describe.each(protos)("X-Forwarded-Proto %j", (proto) => {
  const https = nextSaysHttps(proto);
  let headers: Headers;

  beforeEach(async () => {
    const cookie = await sessionCookie(
      { sub: "user-1", role: "member" },
      { secret: SECRET, secure: https },
    );
    headers = new Headers({
      cookie,
      ...(proto === undefined ? {} : { "x-forwarded-proto": proto }),
    });
    incoming.headers = headers;
  });

  it(`is ${https ? "HTTPS" : "HTTP"} for the kit, as for Next`, () => {
    expect(isHttpsRequest({ url: "http://app.test/", headers })).toBe(https);
  });

  it("middleware, route handler and page all read the session under that one name", async () => {
    // Next builds the URL middleware and handlers see from the same header.
    const url = `${https ? "https" : "http"}://app.test/api/me`;
    expect(await middleware(new NextRequest(url, { headers }))).toBeUndefined();
    const answer = await route(new Request(url, { headers }), routeContext());
    expect(answer.status).toBe(200);
    // A handler given a plain http:// URL (a test, a custom server) decides from the header alike.
    expect(
      (await route(new Request("http://app.test/api/me", { headers }), routeContext())).status,
    ).toBe(200);
    await expect(authorize(signedIn, { path: "/dashboard" })).resolves.toMatchObject({
      id: "user-1",
    });
  });

  it("the other name is no session anywhere", async () => {
    const other = await sessionCookie(
      { sub: "user-1", role: "member" },
      { secret: SECRET, secure: !https },
    );
    headers.set("cookie", other);
    const url = `${https ? "https" : "http"}://app.test/api/me`;
    expect((await middleware(new NextRequest(url, { headers })))?.status).toBe(401);
    expect((await route(new Request(url, { headers }), routeContext())).status).toBe(401);
    await expect(authorize(signedIn, { path: "/dashboard" })).rejects.toThrow(/NEXT_REDIRECT/);
  });
});
