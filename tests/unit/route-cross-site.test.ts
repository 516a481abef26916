/**
 * Cross-site unsafe methods under a session policy are refused (403 `cross_site_request`) from
 * `Sec-Fetch-Site` or `Origin`, so a cross-site form or `text/plain` post cannot ride on the
 * visitor's cookie; same-origin requests, trusted origins, safe methods, and requests from no
 * browser (neither header) pass.
 */
import { describe, expect, it } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { requestHostFrom } from "@/lib/authz/ip";
import { authJsSession } from "@/lib/authz/session";
import { expectRefusal, requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";
import { expectConfigError } from "../support/config-error";

const SECRET = "route-cross-site-test-secret-0123456789abcdef";
const access = defineAccess({ roles: { member: {} } });
const signedIn = access.policy({ name: "signed-in" });
const open = access.policy({ name: "open", signedIn: false });
const authz = createAuthz({
  session: authJsSession({ secret: SECRET }),
  trustedOrigins: ["https://admin.example.com"],
});
const route = authz.withAuthorization(signedIn, async () => new Response(null, { status: 204 }));
const member = () =>
  sessionCookie({ sub: "user-1", role: "member" }, { secret: SECRET, secure: true });

async function send(method: string, headers: Record<string, string>, body?: string) {
  const request = new Request(`https://app.example.com/api/notes`, {
    method,
    headers: { cookie: await member(), "x-forwarded-proto": "https", ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  return route(request, routeContext());
}

describe("cross-site unsafe methods", () => {
  it.each(["POST", "PUT", "PATCH", "DELETE"])(
    "%s from a cross-site page (text/plain, Sec-Fetch-Site + Origin) is 403 cross_site_request",
    async (method) => {
      const response = await send(
        method,
        {
          "sec-fetch-site": "cross-site",
          origin: "https://evil.example",
          "content-type": "text/plain",
        },
        "x=1",
      );
      await expectRefusal(response, {
        status: 403,
        code: "cross_site_request",
        message: "Cross-site request refused",
      });
    },
  );

  it("a form post from a sibling subdomain (same-site, not same-origin) is refused too", async () => {
    await expectRefusal(
      await send("POST", {
        "sec-fetch-site": "same-site",
        origin: "https://blog.example.com",
        "content-type": "application/x-www-form-urlencoded",
      }),
      { status: 403, code: "cross_site_request" },
    );
  });

  it("Origin alone (a browser without fetch metadata) decides: another origin, or null, is refused", async () => {
    await expectRefusal(await send("POST", { origin: "https://evil.example" }), {
      status: 403,
      code: "cross_site_request",
    });
    await expectRefusal(await send("POST", { origin: "null" }), {
      status: 403,
      code: "cross_site_request",
    });
  });

  it("same-origin requests pass, by Sec-Fetch-Site or by Origin matching the request's own", async () => {
    expect((await send("POST", { "sec-fetch-site": "same-origin" })).status).toBe(204);
    expect((await send("POST", { "sec-fetch-site": "none" })).status).toBe(204);
    expect((await send("POST", { origin: "https://app.example.com" })).status).toBe(204);
  });

  it("X-Forwarded-Host names the request's own host only under a trusted proxy", async () => {
    const behindProxy = {
      origin: "https://shop.example.org",
      "x-forwarded-host": "shop.example.org",
    };
    // No proxy trusted (the default): the header is the client's own claim, Host decides.
    await expectRefusal(await send("DELETE", behindProxy), {
      status: 403,
      code: "cross_site_request",
    });
    // One trusted proxy writes it: the browser addressed shop.example.org.
    const proxied = createAuthz({
      session: authJsSession({ secret: SECRET }),
      requestHost: requestHostFrom({ kind: "hops", hops: 1 }),
    }).withAuthorization(signedIn, async () => new Response(null, { status: 204 }));
    const request = new Request("https://app.example.com/api/notes", {
      method: "DELETE",
      headers: { cookie: await member(), "x-forwarded-proto": "https", ...behindProxy },
    });
    expect((await proxied(request, routeContext())).status).toBe(204);
  });

  it("a trusted origin passes even cross-site", async () => {
    expect(
      (
        await send("POST", {
          "sec-fetch-site": "cross-site",
          origin: "https://admin.example.com",
        })
      ).status,
    ).toBe(204);
  });

  it("a request from no browser (neither header: curl, a server) is not refused for that", async () => {
    expect((await send("POST", {})).status).toBe(204);
  });

  it("safe methods and public policies are not checked", async () => {
    expect(
      (await send("GET", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }))
        .status,
    ).toBe(204);
    const publicRoute = authz.withAuthorization(
      open,
      async () => new Response(null, { status: 204 }),
    );
    const response = await publicRoute(
      requestFor("/api/hook", {
        method: "POST",
        headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      }),
      routeContext(),
    );
    expect(response.status).toBe(204);
  });

  it("a malformed trusted origin fails at createAuthz", () => {
    expect(() =>
      createAuthz({
        session: authJsSession({ secret: SECRET }),
        trustedOrigins: ["https://admin.example.com/"],
      }),
    ).toThrow(/Invalid trustedOrigins entry "https:\/\/admin.example.com\/"/);
    expectConfigError(
      () =>
        createAuthz({
          session: authJsSession({ secret: SECRET }),
          trustedOrigins: ["https://admin.example.com/"],
        }),
      "invalid_authz_options",
    );
  });
});
