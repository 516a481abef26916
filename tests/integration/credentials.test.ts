/**
 * DESIGN §1.8's table, handler by handler: the demo's routes (imported from app/api/.../route.ts)
 * called with bearer access tokens signed by keys generated here and served as a JWKS over real
 * HTTP (OIDC_ISSUER / OIDC_AUDIENCE / OIDC_JWKS_URL), with carol's demo API key, with real Auth.js
 * cookies riding along, and with none. Every answer is checked: status, code, body and the
 * `WWW-Authenticate` challenge RFC 6750 / RFC 9470 ask for.
 */
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";
import { DEMO_CLAIMS } from "../support/demo-sessions";
import { accessClaims, startTestIssuer, type TestIssuer } from "../support/oidc-issuer";

const SECRET = "credentials-integration-secret-0123456789abcdef";
const AUDIENCE = "http://localhost:3000";
const DEMO_KEY = "sk_demo_carol_0123456789abcdef0123456789abcdef";
const COOKIE_CHALLENGE =
  'Cookie realm="next-authz-kit demo", form-action="/signin", cookie-name="authjs.session-token"';
const METADATA = "http://localhost:3000/.well-known/oauth-protected-resource";

let issuer: TestIssuer;

async function loadDemo() {
  vi.resetModules();
  const env = {
    AUTH_SECRET: SECRET,
    REDIS_URL: undefined,
    VERCEL: undefined,
    TRUSTED_PROXY_HOPS: undefined,
    TRUSTED_PROXY_CIDRS: undefined,
    OIDC_ISSUER: issuer.issuer,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_JWKS_URL: issuer.jwksUrl,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const [me, adminUsers, adminUser, document, reports, metadata, store] = await Promise.all([
    import("@/app/api/me/route"),
    import("@/app/api/admin/users/route"),
    import("@/app/api/admin/users/[id]/route"),
    import("@/app/api/documents/[id]/route"),
    import("@/app/api/reports/export/route"),
    import("@/app/api/well-known/oauth-protected-resource/route"),
    import("@/lib/demo/store"),
  ]);
  store.userStore.reset();
  await store.documentStore.reset();
  return { me, adminUsers, adminUser, document, reports, metadata };
}
type Demo = Awaited<ReturnType<typeof loadDemo>>;

const now = () => Math.floor(Date.now() / 1000);
const token = (overrides: Record<string, unknown> = {}) =>
  issuer.sign(accessClaims(issuer, AUDIENCE, overrides));
const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

const cookies: Record<"alice" | "bob" | "carol" | "aliceStale", string> = {
  alice: "",
  bob: "",
  carol: "",
  aliceStale: "",
};

beforeAll(async () => {
  issuer = await startTestIssuer(["ES256", "RS256"]);
  const at = now();
  for (const who of ["alice", "bob", "carol"] as const)
    cookies[who] = await sessionCookie({ ...DEMO_CLAIMS[who], auth_time: at }, { secret: SECRET });
  cookies.aliceStale = await sessionCookie(
    { ...DEMO_CLAIMS.alice, auth_time: at - 601 },
    { secret: SECRET },
  );
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await issuer.stop();
});

let demo: Demo;
beforeEach(async () => {
  demo = await loadDemo();
});

async function body(response: Response) {
  return (await response.json()) as Record<string, unknown>;
}

/** A refusal: status, code, and the refusal contract's headers. */
async function refused(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("set-cookie")).toBeNull();
  const json = await body(response);
  expect(json.code).toBe(code);
  return json;
}

const me = (headers: Record<string, string>, cookie?: string) =>
  demo.me.GET(requestFor("/api/me", { headers, cookie }), routeContext());
const exportReport = (headers: Record<string, string>, cookie?: string) =>
  demo.reports.POST(
    requestFor("/api/reports/export", { method: "POST", headers, cookie }),
    routeContext(),
  );
const deleteUser = (id: string, headers: Record<string, string>, cookie?: string) =>
  demo.adminUser.DELETE(
    requestFor(`/api/admin/users/${id}`, { method: "DELETE", headers, cookie }),
    routeContext({ id }),
  );

describe("GET /api/me: sessions and bearer tokens of any scope, not API keys", () => {
  it("a bearer token is answered for the account its sub names, never its own claims", async () => {
    const response = await me(bearer(await token({ sub: "user-bob", role: "admin", scope: "" })));
    expect(response.status).toBe(200);
    expect((await body(response)).user).toEqual({
      id: "user-bob",
      email: "bob@example.com",
      name: "Bob",
      role: "member",
      tenant: "acme",
      plan: "free",
    });
  });

  it("no credential: 401 as today, the cookie challenge without an error code", async () => {
    const response = await me({});
    await refused(response, 401, "unauthenticated");
    expect(response.headers.get("www-authenticate")).toBe(COOKIE_CHALLENGE);
  });

  it("an API key: 401 credential_not_accepted with the challenge of a kind it accepts", async () => {
    const response = await me({ "x-api-key": DEMO_KEY });
    const json = await refused(response, 401, "credential_not_accepted");
    expect(json.accepted).toEqual(["session", "bearer"]);
    expect(response.headers.get("www-authenticate")).toBe(COOKIE_CHALLENGE);
  });

  it("a bearer token decides alone: a cookie riding along is ignored either way", async () => {
    const asBob = await me(bearer(await token({ sub: "user-bob" })), cookies.alice);
    expect(((await body(asBob)).user as { id: string }).id).toBe("user-bob");
    const expired = await token({ iat: now() - 900, exp: now() - 600 });
    const response = await me(bearer(expired), cookies.alice);
    await refused(response, 401, "invalid_token");
    expect(response.headers.get("www-authenticate")).toMatch(
      new RegExp(
        `^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="${METADATA}"$`,
      ),
    );
  });

  it.each([
    ["an ID token (typ JWT)", { typ: "JWT" }, {}],
    ["another audience", {}, { aud: "https://elsewhere.example" }],
    ["another issuer", {}, { iss: "https://evil.example" }],
    ["not yet valid", {}, { nbf: Math.floor(Date.now() / 1000) + 600 }],
    ["a user the demo does not know", {}, { sub: "user-mallory" }],
  ])("%s: 401 invalid_token", async (_name, header, overrides) => {
    const value = await issuer.sign(accessClaims(issuer, AUDIENCE, overrides), header);
    const response = await me(bearer(value));
    await refused(response, 401, "invalid_token");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
  });

  it("an Authorization header that cannot be parsed: 400 invalid_request", async () => {
    for (const value of ["Bearer", `Bearer a b`]) {
      const response = await me({ authorization: value }, cookies.alice);
      await refused(response, 400, "invalid_request");
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_request"/);
    }
  });

  it("an account deleted after the token was issued: 401 invalid_token", async () => {
    const value = await token({ sub: "user-carol", scope: "users:delete" });
    expect((await me(bearer(value))).status).toBe(200);
    const adminToken = await token({ scope: "users:delete", auth_time: now() });
    expect((await deleteUser("user-bob", bearer(adminToken))).status).toBe(204);
    const bobs = await token({ sub: "user-bob" });
    await refused(await me(bearer(bobs)), 401, "invalid_token");
  });
});

describe("POST /api/reports/export: bearer with scope reports:export, or the API key", () => {
  it("carol's demo key: 200, as carol (a pro plan member)", async () => {
    const response = await exportReport({ "x-api-key": DEMO_KEY });
    expect(response.status).toBe(200);
    expect(((await body(response)).report as { tenant: string }).tenant).toBe("globex");
  });

  it("an unknown, a malformed or a second key: 401 invalid_api_key / 400, never the cookie", async () => {
    const unknown = await exportReport(
      { "x-api-key": "sk_demo_carol_ffffffffffffffffffffffffffffffff" },
      cookies.carol,
    );
    await refused(unknown, 401, "invalid_api_key");
    expect(unknown.headers.get("www-authenticate")).toMatch(/^ApiKey error="invalid_token"/);
    await refused(await exportReport({ "x-api-key": "short" }), 401, "invalid_api_key");
    await refused(
      await exportReport({ "x-api-key": `${DEMO_KEY}, ${DEMO_KEY}` }),
      400,
      "invalid_request",
    );
  });

  it("a bearer token without the scope: 403 insufficient_scope with RFC 6750's challenge", async () => {
    const response = await exportReport(bearer(await token({ sub: "user-carol", scope: "me" })));
    const json = await refused(response, 403, "insufficient_scope");
    expect(json.scope).toBe("reports:export");
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", scope="reports:export", resource_metadata="${METADATA}"`,
    );
    const ok = await exportReport(bearer(await token({ sub: "user-carol" })));
    expect(ok.status).toBe(200);
  });

  it("the key's user still needs the pro plan: bob's token is 403 plan_required", async () => {
    const response = await exportReport(bearer(await token({ sub: "user-bob" })));
    await refused(response, 403, "plan_required");
  });

  it("the 5 per minute are carol's, whatever she calls with: key, token and cookie share them", async () => {
    const calls = [
      () => exportReport({ "x-api-key": DEMO_KEY }),
      async () => exportReport(bearer(await token({ sub: "user-carol" }))),
      () => exportReport({}, cookies.carol),
      () => exportReport({ "x-api-key": DEMO_KEY }),
      () => exportReport({}, cookies.carol),
    ];
    for (const call of calls) expect((await call()).status).toBe(200);
    const sixth = await exportReport({ "x-api-key": DEMO_KEY });
    await refused(sixth, 429, "rate_limited");
    expect(sixth.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("a cross-site POST with a bearer token is an API call, not a forged form post", async () => {
    const value = await token({ sub: "user-carol" });
    const headers = { ...bearer(value), origin: "https://elsewhere.example" };
    expect((await exportReport(headers)).status).toBe(200);
    const forged = await exportReport({ origin: "https://elsewhere.example" }, cookies.carol);
    await refused(forged, 403, "cross_site_request");
  });
});

describe("DELETE /api/admin/users/[id]: bearer with users:delete and a sign-in within 10 minutes", () => {
  it("alice's token with the scope and a recent auth_time: 204", async () => {
    const value = await token({ scope: "users:delete", auth_time: now() - 60 });
    expect((await deleteUser("user-bob", bearer(value))).status).toBe(204);
  });

  it("no auth_time, or an old one: 401 with RFC 9470's challenge and max_age=600", async () => {
    for (const overrides of [{}, { auth_time: now() - 601 }]) {
      const value = await token({ scope: "users:delete", ...overrides });
      const response = await deleteUser("user-bob", bearer(value));
      const json = await refused(response, 401, "insufficient_user_authentication");
      expect(json.max_age).toBe(600);
      expect(response.headers.get("www-authenticate")).toMatch(
        /^Bearer error="insufficient_user_authentication", error_description="[^"]+", max_age=600, resource_metadata="/,
      );
    }
  });

  it("a cookie session signed in more than 10 minutes ago: 401 reauthentication_required", async () => {
    const response = await deleteUser("user-bob", {}, cookies.aliceStale);
    const json = await refused(response, 401, "reauthentication_required");
    expect(json).toMatchObject({ max_age: 600 });
    expect(response.headers.get("www-authenticate")).toBe(COOKIE_CHALLENGE);
    expect((await deleteUser("user-bob", {}, cookies.alice)).status).toBe(204);
  });

  it("scope missing: 403 insufficient_scope; bob's token: 403 whatever its scope", async () => {
    const noScope = await token({ scope: "reports:export", auth_time: now() });
    await refused(await deleteUser("user-bob", bearer(noScope)), 403, "insufficient_scope");
    const bobs = await token({ sub: "user-bob", scope: "users:delete", auth_time: now() });
    await refused(await deleteUser("user-alice", bearer(bobs)), 403, "role_required");
  });

  it("the API key: 401 credential_not_accepted", async () => {
    await refused(
      await deleteUser("user-bob", { "x-api-key": DEMO_KEY }),
      401,
      "credential_not_accepted",
    );
  });
});

describe("every other endpoint takes neither", () => {
  it("GET /api/admin/users and GET /api/documents/[id]: 401 credential_not_accepted", async () => {
    const value = await token({ scope: "users:delete reports:export", auth_time: now() });
    for (const headers of [bearer(value), { "x-api-key": DEMO_KEY }]) {
      const list = await demo.adminUsers.GET(
        requestFor("/api/admin/users", { headers, cookie: cookies.alice }),
        routeContext(),
      );
      const json = await refused(list, 401, "credential_not_accepted");
      expect(json.accepted).toEqual(["session"]);
      expect(list.headers.get("www-authenticate")).toBe(COOKIE_CHALLENGE);
      const doc = await demo.document.GET(
        requestFor("/api/documents/doc-acme-1", { headers, cookie: cookies.alice }),
        routeContext({ id: "doc-acme-1" }),
      );
      await refused(doc, 401, "credential_not_accepted");
    }
  });
});

describe("GET /.well-known/oauth-protected-resource (RFC 9728)", () => {
  it("names the issuer and the scopes the bearer routes check", async () => {
    const response = await demo.metadata.GET(
      new NextRequest(requestFor("/api/well-known/oauth-protected-resource")),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      resource: AUDIENCE,
      authorization_servers: [issuer.issuer],
      scopes_supported: ["reports:export", "users:delete"],
      bearer_methods_supported: ["header"],
      resource_name: "next-authz-kit demo",
    });
  });
});
