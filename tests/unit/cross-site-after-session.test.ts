/**
 * 401 before 403: the cross-site check runs after the session check, in every layer (middleware,
 * route handler, server action), with the same answer in each. An anonymous cross-site unsafe
 * request learns first that it needs to sign in (401); a signed-in one is refused 403
 * `cross_site_request`, before its role is looked at. The request's own host comes from the proxy
 * trust model: a client-sent `X-Forwarded-Host` counts only where a proxy is trusted to write it.
 * Real `NextRequest`s, real Auth.js cookies; `next/headers` is the only stand-in (for the action).
 */
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { defineAccess, definePathRules } from "@/lib/authz";
import { createActionGuard } from "@/lib/authz/action";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { requestHostFrom, type ProxyTrust } from "@/lib/authz/ip";
import { authorizationMiddleware, MIDDLEWARE_LAYER_HEADER } from "@/lib/authz/middleware";
import { createPageGuard } from "@/lib/authz/server";
import { authJsSession } from "@/lib/authz/session";
import { routeContext, sessionCookie } from "@/lib/authz/testing";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));

const SECRET = "cross-site-after-session-secret-0123456789";
const access = defineAccess({ roles: { member: {}, admin: { inherits: ["member"] } } });
const admin = access.policy({ name: "admin", role: "admin" });

function layers(trust: ProxyTrust) {
  const authz = createAuthz({
    session: authJsSession({ secret: SECRET }),
    requestHost: requestHostFrom(trust),
  });
  const middleware = authorizationMiddleware(authz, {
    rules: definePathRules([{ path: "/api/admin/**", policy: admin, kind: "api" }]),
    signInPath: "/signin",
  });
  const route = authz.withAuthorization(admin, async () => new Response(null, { status: 204 }));
  const { withAuthorizationAction } = createActionGuard(authz);
  const action = withAuthorizationAction(admin, async () => ({ ok: true as const }));
  const { authorizeAction } = createPageGuard(authz);
  return { middleware, route, action, authorizeAction };
}

const cookies: Record<"anonymous" | "alice" | "bob", string | undefined> = {
  anonymous: undefined,
  alice: undefined,
  bob: undefined,
};
beforeAll(async () => {
  cookies.alice = await sessionCookie({ sub: "u-alice", role: "admin" }, { secret: SECRET });
  cookies.bob = await sessionCookie({ sub: "u-bob", role: "member" }, { secret: SECRET });
});

type Who = keyof typeof cookies;

/** One request's answer in each layer: status and code (the action's refusal is data). */
async function answers(
  trust: ProxyTrust,
  who: Who,
  headers: Record<string, string>,
): Promise<{ middleware: string; route: string; action: string; authorizeAction: string }> {
  const { middleware, route, action, authorizeAction } = layers(trust);
  const all = new Headers({ host: "app.example.com", ...headers });
  if (cookies[who]) all.set("cookie", cookies[who]);
  const request = () =>
    new NextRequest("http://app.example.com/api/admin/users/u-9", {
      method: "DELETE",
      headers: all,
    });
  const summary = async (response: Response | undefined) => {
    if (!response) return "pass";
    if (response.status < 400) return String(response.status);
    const body = (await response.json()) as { code: string };
    return `${response.status} ${body.code}`;
  };
  const early = await middleware(request());
  if (early) expect(early.headers.get(MIDDLEWARE_LAYER_HEADER)).toBe("middleware");
  requestHeaders = all;
  const acted = (await action()) as { ok: boolean; status?: number; code?: string };
  const authorized = await authorizeAction(admin);
  return {
    middleware: await summary(early),
    route: await summary(await route(request(), routeContext({ id: "u-9" }))),
    action: acted.ok ? "allowed" : `${acted.status} ${acted.code}`,
    authorizeAction: authorized.ok ? "allowed" : `${authorized.status} ${authorized.code}`,
  };
}

const none: ProxyTrust = { kind: "none" };
const crossSite = { "sec-fetch-site": "cross-site", origin: "https://evil.example" };

describe("401 before 403: the cross-site check runs after the session check", () => {
  it("an anonymous cross-site request is 401 in the middleware, the handler and an action", async () => {
    expect(await answers(none, "anonymous", crossSite)).toEqual({
      middleware: "401 unauthenticated",
      route: "401 unauthenticated",
      action: "401 unauthenticated",
      authorizeAction: "401 unauthenticated",
    });
    // Origin alone (no fetch metadata) decides the same way.
    expect(await answers(none, "anonymous", { origin: "https://evil.example" })).toEqual({
      middleware: "401 unauthenticated",
      route: "401 unauthenticated",
      action: "401 unauthenticated",
      authorizeAction: "401 unauthenticated",
    });
  });

  it("a signed-in cross-site request is 403 cross_site_request in every layer, before its role", async () => {
    for (const who of ["alice", "bob"] as const) {
      expect(await answers(none, who, crossSite), who).toEqual({
        middleware: "403 cross_site_request",
        route: "403 cross_site_request",
        action: "403 cross_site_request",
        authorizeAction: "403 cross_site_request",
      });
    }
  });

  it("a same-origin request goes on to the role check in every layer", async () => {
    const sameOrigin = { origin: "http://app.example.com" };
    expect(await answers(none, "alice", sameOrigin)).toEqual({
      middleware: "pass",
      route: "204",
      action: "allowed",
      authorizeAction: "allowed",
    });
    expect(await answers(none, "bob", sameOrigin)).toEqual({
      middleware: "403 role_required",
      route: "403 role_required",
      action: "403 role_required",
      authorizeAction: "403 role_required",
    });
  });
});

describe("the request's own host comes from the proxy trust model", () => {
  // The browser sits at https://evil.example and names it in X-Forwarded-Host itself.
  const spoofed = { origin: "http://evil.example", "x-forwarded-host": "evil.example" };
  const proxied = { origin: "http://shop.example.org", "x-forwarded-host": "shop.example.org" };

  it("with no trusted proxy, a client-sent X-Forwarded-Host is ignored: Host decides", async () => {
    expect(await answers(none, "alice", spoofed)).toEqual({
      middleware: "403 cross_site_request",
      route: "403 cross_site_request",
      action: "403 cross_site_request",
      authorizeAction: "403 cross_site_request",
    });
  });

  it.each<ProxyTrust>([
    { kind: "hops", hops: 1 },
    { kind: "cidrs", proxies: ["10.0.0.0/8"] },
    { kind: "vercel" },
  ])("behind a trusted proxy (%o), X-Forwarded-Host is the browser's host", async (trust) => {
    expect(await answers(trust, "alice", proxied)).toEqual({
      middleware: "pass",
      route: "204",
      action: "allowed",
      authorizeAction: "allowed",
    });
    // Host alone no longer names the request's own origin there: the proxy's header does.
    expect(
      await answers(trust, "alice", {
        origin: "http://app.example.com",
        "x-forwarded-host": "shop.example.org",
      }),
    ).toEqual({
      middleware: "403 cross_site_request",
      route: "403 cross_site_request",
      action: "403 cross_site_request",
      authorizeAction: "403 cross_site_request",
    });
  });
});
