/**
 * Allowed answers of a session policy are never shareable: `Cache-Control: private, no-store`
 * and `Vary: Cookie` by default (a CDN must not hand one user's answer to another, also under
 * `/_next/data/<build>/api/...json`), overridable per route; a public policy adds nothing.
 */
import { describe, expect, it } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { authJsSession } from "@/lib/authz/session";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";

const SECRET = "route-caching-test-secret-0123456789abcdef";
const access = defineAccess({ roles: { member: {} } });
const signedIn = access.policy({ name: "signed-in" });
const open = access.policy({ name: "open", signedIn: false });
const authz = createAuthz({ session: authJsSession({ secret: SECRET }) });
const member = () => sessionCookie({ sub: "user-1", role: "member" }, { secret: SECRET });

describe("caching of allowed answers", () => {
  it("a session policy's allowed answer is private, no-store with Vary: Cookie", async () => {
    const route = authz.withAuthorization(signedIn, async () => Response.json({ mine: true }));
    const response = await route(requestFor("/api/me", { cookie: await member() }), routeContext());
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("vary")).toBe("Cookie");
  });

  it("the same under Next's /_next/data/<build>/api/... form of the URL", async () => {
    const route = authz.withAuthorization(signedIn, async () => Response.json({ mine: true }));
    const response = await route(
      requestFor("/_next/data/build-1/api/me.json", { cookie: await member() }),
      routeContext(),
    );
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("an existing Vary is extended, not replaced", async () => {
    const route = authz.withAuthorization(signedIn, async () =>
      Response.json({}, { headers: { vary: "Accept" } }),
    );
    const response = await route(requestFor("/api/me", { cookie: await member() }), routeContext());
    expect(response.headers.get("vary")).toBe("Accept, Cookie");
  });

  it("a route overrides the default with cacheControl, or by setting its own header", async () => {
    const optioned = authz.withAuthorization(
      signedIn,
      { cacheControl: "private, max-age=60" },
      async () => Response.json({}),
    );
    const cookie = await member();
    expect(
      (await optioned(requestFor("/api/me", { cookie }), routeContext())).headers.get(
        "cache-control",
      ),
    ).toBe("private, max-age=60");
    const own = authz.withAuthorization(signedIn, async () =>
      Response.json({}, { headers: { "cache-control": "private, max-age=5" } }),
    );
    expect(
      (await own(requestFor("/api/me", { cookie }), routeContext())).headers.get("cache-control"),
    ).toBe("private, max-age=5");
  });

  it("a public policy leaves caching to the handler", async () => {
    const route = authz.withAuthorization(open, async () => Response.json({ public: true }));
    const response = await route(requestFor("/api/status"), routeContext());
    expect(response.headers.get("cache-control")).toBeNull();
    expect(response.headers.get("vary")).toBeNull();
  });
});
