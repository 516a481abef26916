/**
 * The demo API of the README's endpoint table, called handler by handler (imported from app/api/.../route.ts) with
 * real `Request`s and real Auth.js session cookies, as Next would call them: no server, no
 * middleware. These are the checks that must hold even when middleware does not run.
 *
 * The demo reads its environment at import (lib/access.ts: OPS_ALLOWED_IPS; lib/authz-edge.ts:
 * the proxy trust model; lib/authz-node.ts: REDIS_URL) and AUTH_SECRET per request, so every load stubs the env
 * first, resets the module registry and imports the routes afresh (which also gives each test a
 * fresh in-memory rate-limit store).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEMO_CLAIMS, tamperSessionCookie } from "../support/demo-sessions";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";

const SECRET = "demo-api-integration-secret-0123456789abcdef";
const CHALLENGE =
  'Cookie realm="next-authz-kit demo", form-action="/signin", cookie-name="authjs.session-token"';

const BASE_ENV = {
  AUTH_SECRET: SECRET,
  // Unset: the in-memory store, no proxy trust, the default (loopback) ops allow list.
  REDIS_URL: undefined,
  VERCEL: undefined,
  TRUSTED_PROXY_HOPS: undefined,
  TRUSTED_PROXY_CIDRS: undefined,
  OPS_ALLOWED_IPS: undefined,
} as const;

async function loadDemo(env: Readonly<Record<string, string | undefined>> = {}) {
  vi.resetModules();
  for (const [name, value] of Object.entries({ ...BASE_ENV, ...env })) vi.stubEnv(name, value);
  const [me, adminUsers, adminUser, document, reports, ops, store, users] = await Promise.all([
    import("@/app/api/me/route"),
    import("@/app/api/admin/users/route"),
    import("@/app/api/admin/users/[id]/route"),
    import("@/app/api/documents/[id]/route"),
    import("@/app/api/reports/export/route"),
    import("@/app/api/ops/metrics/route"),
    import("@/lib/demo/store"),
    import("@/lib/demo/users"),
  ]);
  return { me, adminUsers, adminUser, document, reports, ops, store, users };
}
type Demo = Awaited<ReturnType<typeof loadDemo>>;

// --- Sessions: the claims the demo's Auth.js jwt() callback writes (README, "Run it") -----------
const claims = DEMO_CLAIMS;
type Who = "anonymous" | keyof typeof claims | "tampered" | "expired";
const cookies = {} as Record<Who, string | undefined>;

beforeAll(async () => {
  // auth_time: the demo's sign-in writes it (lib/auth.config.ts), and the admin delete needs a
  // sign-in within 10 minutes (DESIGN §1.8; tests/integration/credentials.test.ts covers stale ones).
  const signedInAt = Math.floor(Date.now() / 1000);
  for (const who of ["alice", "bob", "carol"] as const)
    cookies[who] = await sessionCookie(
      { ...claims[who], auth_time: signedInAt },
      { secret: SECRET },
    );
  // Alice's cookies: if either were read as valid, every admin-only row below would turn to 200.
  cookies.tampered = tamperSessionCookie(cookies.alice!);
  cookies.expired = await sessionCookie(claims.alice, { secret: SECRET, maxAge: -3600 });
});

afterAll(() => {
  vi.unstubAllEnvs();
});

// --- Expected refusals: exact bodies in the kit's key order ------------------------------------
const refusal = {
  unauthenticated: {
    error: "Unauthorized",
    message: "Authentication required",
    code: "unauthenticated",
  },
  admin: {
    error: "Forbidden",
    message: "Requires admin role",
    code: "role_required",
    required_role: "admin",
  },
  owner: { error: "Forbidden", message: "Requires resource owner", code: "owner_required" },
  notFound: { error: "Not Found", message: "Resource not found", code: "not_found" },
  plan: {
    error: "Forbidden",
    message: "Requires pro plan",
    code: "plan_required",
    feature: "export",
    required_plan: "pro",
    upgrade_url: "/pricing",
  },
  ip: { error: "Forbidden", message: "IP address not allowed", code: "ip_not_allowed" },
} as const;

/** Asserts a kit refusal: status, exact body bytes, and the refusal contract's headers. */
async function expectRefused(response: Response, status: number, body: object) {
  const text = await response.text();
  expect({ status: response.status, body: JSON.parse(text) }).toEqual({ status, body });
  expect(text).toBe(JSON.stringify(body));
  expect(response.headers.get("content-type")).toBe("application/json");
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("set-cookie")).toBeNull();
  expect(response.headers.get("www-authenticate")).toBe(status === 401 ? CHALLENGE : null);
}

type Endpoint =
  "me" | "listUsers" | "deleteUser" | "getDocument" | "deleteDocument" | "export" | "metrics";

function call(
  demo: Demo,
  endpoint: Endpoint,
  who: Who,
  options: { id?: string; headers?: Record<string, string> } = {},
) {
  const cookie = cookies[who];
  const headers = options.headers;
  const id = options.id ?? "";
  switch (endpoint) {
    case "me":
      return demo.me.GET(requestFor("/api/me", { cookie, headers }), routeContext());
    case "listUsers":
      return demo.adminUsers.GET(
        requestFor("/api/admin/users", { cookie, headers }),
        routeContext(),
      );
    case "deleteUser":
      return demo.adminUser.DELETE(
        requestFor(`/api/admin/users/${id}`, { method: "DELETE", cookie, headers }),
        routeContext({ id }),
      );
    case "getDocument":
      return demo.document.GET(
        requestFor(`/api/documents/${id}`, { cookie, headers }),
        routeContext({ id }),
      );
    case "deleteDocument":
      return demo.document.DELETE(
        requestFor(`/api/documents/${id}`, { method: "DELETE", cookie, headers }),
        routeContext({ id }),
      );
    case "export":
      return demo.reports.POST(
        requestFor("/api/reports/export", { method: "POST", cookie, headers }),
        routeContext(),
      );
    case "metrics":
      return demo.ops.GET(requestFor("/api/ops/metrics", { cookie, headers }), routeContext());
  }
}

const userJson = (who: keyof typeof claims) => {
  const c = claims[who];
  return {
    user: { id: c.sub, email: c.email, name: c.name, role: c.role, tenant: c.tenant, plan: c.plan },
  };
};

const SEED_DOCS = {
  "doc-acme-1": { id: "doc-acme-1", title: "Acme roadmap", tenantId: "acme", ownerId: "user-bob" },
  "doc-acme-2": {
    id: "doc-acme-2",
    title: "Acme board minutes",
    tenantId: "acme",
    ownerId: "user-alice",
  },
  "doc-globex-1": {
    id: "doc-globex-1",
    title: "Globex pricing study",
    tenantId: "globex",
    ownerId: "user-carol",
  },
} as const;

describe("demo API (no proxy trust model)", () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await loadDemo();
  });
  beforeEach(async () => {
    // Demo state (documents in the demo database, users in memory): every test starts from the seed.
    await demo.store.documentStore.reset();
    demo.store.userStore.reset();
  });

  interface Row {
    readonly endpoint: Endpoint;
    readonly who: Who;
    readonly id?: string;
    readonly status: number;
    /** A refusal body (checked with its headers), or the JSON a 200 answers; undefined for 204. */
    readonly body?: object;
  }

  const rows: readonly Row[] = [
    // GET /api/me: signed in
    { endpoint: "me", who: "anonymous", status: 401, body: refusal.unauthenticated },
    { endpoint: "me", who: "alice", status: 200, body: userJson("alice") },
    { endpoint: "me", who: "bob", status: 200, body: userJson("bob") },
    { endpoint: "me", who: "carol", status: 200, body: userJson("carol") },
    { endpoint: "me", who: "tampered", status: 401, body: refusal.unauthenticated },
    { endpoint: "me", who: "expired", status: 401, body: refusal.unauthenticated },
    // GET /api/admin/users: role admin (the 200 list is checked below, against the seed)
    { endpoint: "listUsers", who: "anonymous", status: 401, body: refusal.unauthenticated },
    { endpoint: "listUsers", who: "bob", status: 403, body: refusal.admin },
    { endpoint: "listUsers", who: "carol", status: 403, body: refusal.admin },
    { endpoint: "listUsers", who: "tampered", status: 401, body: refusal.unauthenticated },
    { endpoint: "listUsers", who: "expired", status: 401, body: refusal.unauthenticated },
    // DELETE /api/admin/users/[id]: role admin, the user in the admin's tenant
    {
      endpoint: "deleteUser",
      who: "anonymous",
      id: "user-carol",
      status: 401,
      body: refusal.unauthenticated,
    },
    { endpoint: "deleteUser", who: "bob", id: "user-carol", status: 403, body: refusal.admin },
    { endpoint: "deleteUser", who: "carol", id: "user-bob", status: 403, body: refusal.admin },
    {
      endpoint: "deleteUser",
      who: "tampered",
      id: "user-bob",
      status: 401,
      body: refusal.unauthenticated,
    },
    {
      endpoint: "deleteUser",
      who: "expired",
      id: "user-bob",
      status: 401,
      body: refusal.unauthenticated,
    },
    { endpoint: "deleteUser", who: "alice", id: "user-bob", status: 204 },
    // Another tenant's user: concealed, the same 404 as an unknown id.
    {
      endpoint: "deleteUser",
      who: "alice",
      id: "user-carol",
      status: 404,
      body: refusal.notFound,
    },
    {
      endpoint: "deleteUser",
      who: "alice",
      id: "user-nobody",
      status: 404,
      body: refusal.notFound,
    },
    // GET /api/documents/[id]: signed in, same tenant, other tenants' documents concealed
    {
      endpoint: "getDocument",
      who: "anonymous",
      id: "doc-acme-1",
      status: 401,
      body: refusal.unauthenticated,
    },
    {
      endpoint: "getDocument",
      who: "bob",
      id: "doc-acme-1",
      status: 200,
      body: { document: SEED_DOCS["doc-acme-1"] },
    },
    {
      endpoint: "getDocument",
      who: "bob",
      id: "doc-acme-2",
      status: 200,
      body: { document: SEED_DOCS["doc-acme-2"] },
    },
    {
      endpoint: "getDocument",
      who: "alice",
      id: "doc-acme-1",
      status: 200,
      body: { document: SEED_DOCS["doc-acme-1"] },
    },
    {
      endpoint: "getDocument",
      who: "carol",
      id: "doc-globex-1",
      status: 200,
      body: { document: SEED_DOCS["doc-globex-1"] },
    },
    {
      endpoint: "getDocument",
      who: "bob",
      id: "doc-globex-1",
      status: 404,
      body: refusal.notFound,
    },
    {
      endpoint: "getDocument",
      who: "alice",
      id: "doc-globex-1",
      status: 404,
      body: refusal.notFound,
    },
    {
      endpoint: "getDocument",
      who: "carol",
      id: "doc-acme-1",
      status: 404,
      body: refusal.notFound,
    },
    { endpoint: "getDocument", who: "bob", id: "doc-nope", status: 404, body: refusal.notFound },
    {
      endpoint: "getDocument",
      who: "tampered",
      id: "doc-acme-1",
      status: 401,
      body: refusal.unauthenticated,
    },
    {
      endpoint: "getDocument",
      who: "expired",
      id: "doc-acme-1",
      status: 401,
      body: refusal.unauthenticated,
    },
    // DELETE /api/documents/[id]: owner, or admin of its tenant
    {
      endpoint: "deleteDocument",
      who: "anonymous",
      id: "doc-acme-1",
      status: 401,
      body: refusal.unauthenticated,
    },
    { endpoint: "deleteDocument", who: "bob", id: "doc-acme-2", status: 403, body: refusal.owner },
    { endpoint: "deleteDocument", who: "bob", id: "doc-acme-1", status: 204 },
    { endpoint: "deleteDocument", who: "alice", id: "doc-acme-1", status: 204 },
    {
      endpoint: "deleteDocument",
      who: "carol",
      id: "doc-acme-1",
      status: 404,
      body: refusal.notFound,
    },
    {
      endpoint: "deleteDocument",
      who: "bob",
      id: "doc-globex-1",
      status: 404,
      body: refusal.notFound,
    },
    {
      endpoint: "deleteDocument",
      who: "alice",
      id: "doc-globex-1",
      status: 404,
      body: refusal.notFound,
    },
    { endpoint: "deleteDocument", who: "bob", id: "doc-nope", status: 404, body: refusal.notFound },
    {
      endpoint: "deleteDocument",
      who: "tampered",
      id: "doc-acme-1",
      status: 401,
      body: refusal.unauthenticated,
    },
    {
      endpoint: "deleteDocument",
      who: "expired",
      id: "doc-acme-1",
      status: 401,
      body: refusal.unauthenticated,
    },
    // POST /api/reports/export: feature export (plan pro); the rate limit has its own tests
    { endpoint: "export", who: "anonymous", status: 401, body: refusal.unauthenticated },
    { endpoint: "export", who: "bob", status: 403, body: refusal.plan },
    { endpoint: "export", who: "tampered", status: 401, body: refusal.unauthenticated },
    { endpoint: "export", who: "expired", status: 401, body: refusal.unauthenticated },
    // GET /api/ops/metrics: no trust model, so the address is unknown and refused whoever asks
    { endpoint: "metrics", who: "anonymous", status: 403, body: refusal.ip },
    { endpoint: "metrics", who: "alice", status: 403, body: refusal.ip },
    { endpoint: "metrics", who: "bob", status: 403, body: refusal.ip },
    { endpoint: "metrics", who: "carol", status: 403, body: refusal.ip },
    { endpoint: "metrics", who: "tampered", status: 403, body: refusal.ip },
    { endpoint: "metrics", who: "expired", status: 403, body: refusal.ip },
  ];

  it.each(rows)("$endpoint $id as $who → $status", async (row) => {
    const response = await call(demo, row.endpoint, row.who, { id: row.id });
    if (row.status === 204) {
      expect(response.status).toBe(204);
      expect(await response.text()).toBe("");
      return;
    }
    if (row.status === 200) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(await response.json()).toEqual(row.body);
      return;
    }
    await expectRefused(response, row.status, row.body!);
  });

  it("GET /api/admin/users as alice lists her own tenant's users only, no secrets in it", async () => {
    const response = await call(demo, "listUsers", "alice");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { users: unknown[] };
    expect(body).toEqual({ users: demo.users.demoUsers.filter((u) => u.tenant === "acme") });
    expect(body.users.map((u) => (u as { email: string }).email)).toEqual([
      "alice@example.com",
      "bob@example.com",
      "dave@example.com",
    ]);
    expect(JSON.stringify(body)).not.toMatch(/password|demo"/);
  });

  it("DELETE /api/admin/users/[id]: 204, then 404 for the same id, and the user is gone", async () => {
    const first = await call(demo, "deleteUser", "alice", { id: "user-bob" });
    expect(first.status).toBe(204);
    const second = await call(demo, "deleteUser", "alice", { id: "user-bob" });
    await expectRefused(second, 404, refusal.notFound);
    const list = (await (await call(demo, "listUsers", "alice")).json()) as {
      users: { id: string }[];
    };
    expect(list.users.map((u) => u.id)).toEqual(["user-alice", "user-dave"]);
  });

  it("DELETE /api/admin/users/[id] of another tenant's user is the same 404 as an unknown id, and the user stays", async () => {
    // Everything but X-Request-Id, which names each request and so must differ.
    const snapshot = async (r: Response) => {
      expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      return {
        status: r.status,
        headers: [...r.headers].filter(([name]) => name !== "x-request-id"),
        body: await r.text(),
      };
    };
    const foreign = await snapshot(await call(demo, "deleteUser", "alice", { id: "user-carol" }));
    const unknown = await snapshot(await call(demo, "deleteUser", "alice", { id: "user-nobody" }));
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(unknown);
    expect((await demo.store.userStore.list("globex")).map((u) => u.id)).toEqual(["user-carol"]);
  });

  it("GET doc-globex-1 as bob is byte-identical to GET doc-nope (status, headers, body)", async () => {
    // Everything but X-Request-Id, which names each request (and so must differ): it is there,
    // a fresh id, on both answers alike.
    const snapshot = async (r: Response) => {
      expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      return {
        status: r.status,
        headers: [...r.headers].filter(([name]) => name !== "x-request-id"),
        body: await r.text(),
      };
    };
    const concealed = await snapshot(
      await call(demo, "getDocument", "bob", { id: "doc-globex-1" }),
    );
    const missing = await snapshot(await call(demo, "getDocument", "bob", { id: "doc-nope" }));
    expect(concealed.status).toBe(404);
    expect(concealed).toEqual(missing);
    // The same holds for DELETE, and for the handler-made 404 of an unknown user id.
    const deleteConcealed = await snapshot(
      await call(demo, "deleteDocument", "carol", { id: "doc-acme-1" }),
    );
    const deleteMissing = await snapshot(
      await call(demo, "deleteDocument", "carol", { id: "doc-nope" }),
    );
    const unknownUser = await snapshot(
      await call(demo, "deleteUser", "alice", { id: "user-nobody" }),
    );
    expect(deleteConcealed).toEqual(missing);
    expect(deleteMissing).toEqual(missing);
    expect(unknownUser).toEqual(missing);
  });

  it("alice (admin of acme) deletes bob's doc-acme-1 → 204; it is gone afterwards", async () => {
    expect((await call(demo, "deleteDocument", "alice", { id: "doc-acme-1" })).status).toBe(204);
    expect(await demo.store.documentStore.get("doc-acme-1")).toBeNull();
    await expectRefused(
      await call(demo, "getDocument", "bob", { id: "doc-acme-1" }),
      404,
      refusal.notFound,
    );
  });

  it("an invalid id answers 400 with the field issue, but only after the session check", async () => {
    const long = "x".repeat(65);
    await expectRefused(
      await call(demo, "getDocument", "anonymous", { id: long }),
      401,
      refusal.unauthenticated,
    );
    const response = await call(demo, "getDocument", "bob", { id: long });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; issues: { path: string }[] };
    expect(body).toMatchObject({
      error: "Bad Request",
      message: "Invalid route parameters",
      code: "invalid_request",
    });
    expect(body.issues.map((i) => i.path)).toEqual(["id"]);
  });

  it("refusals answer RFC 9457 problem details on request, same status", async () => {
    const response = await call(demo, "listUsers", "bob", {
      headers: { accept: "application/problem+json" },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      type: "tag:next-authz-kit,2026:role_required",
      title: "Forbidden",
      status: 403,
      detail: "Requires admin role",
      code: "role_required",
      required_role: "admin",
    });
  });

  it("a client-sent X-Forwarded-For is not trusted without a trust model (even a loopback one)", async () => {
    for (const xff of ["127.0.0.1", "::1", "10.0.0.1, 127.0.0.1"]) {
      await expectRefused(
        await call(demo, "metrics", "alice", { headers: { "x-forwarded-for": xff } }),
        403,
        refusal.ip,
      );
    }
  });

  describe("a denied request never runs the handler (no side effect)", () => {
    it("bob's refused DELETE of doc-acme-2 leaves it in place", async () => {
      await expectRefused(
        await call(demo, "deleteDocument", "bob", { id: "doc-acme-2" }),
        403,
        refusal.owner,
      );
      expect(await demo.store.documentStore.get("doc-acme-2")).toEqual(SEED_DOCS["doc-acme-2"]);
    });

    it("carol's concealed DELETE of doc-acme-1 and anonymous/expired DELETEs leave it in place", async () => {
      for (const who of ["carol", "anonymous", "tampered", "expired"] as const) {
        const response = await call(demo, "deleteDocument", who, { id: "doc-acme-1" });
        expect(response.status).not.toBe(204);
      }
      expect(await demo.store.documentStore.get("doc-acme-1")).toEqual(SEED_DOCS["doc-acme-1"]);
    });

    it("bob's and carol's DELETE of a user leave the user in place", async () => {
      await expectRefused(
        await call(demo, "deleteUser", "bob", { id: "user-alice" }),
        403,
        refusal.admin,
      );
      await expectRefused(
        await call(demo, "deleteUser", "carol", { id: "user-bob" }),
        403,
        refusal.admin,
      );
      const users = [
        ...(await demo.store.userStore.list("acme")),
        ...(await demo.store.userStore.list("globex")),
      ];
      expect(users.map((u) => u.id)).toEqual(["user-alice", "user-bob", "user-dave", "user-carol"]);
    });

    it("the store's delete is never called on a refusal", async () => {
      const spy = vi.spyOn(demo.store.documentStore, "delete");
      try {
        await call(demo, "deleteDocument", "bob", { id: "doc-acme-2" });
        await call(demo, "deleteDocument", "carol", { id: "doc-acme-1" });
        await call(demo, "deleteDocument", "anonymous", { id: "doc-acme-1" });
        expect(spy).not.toHaveBeenCalled();
        await call(demo, "deleteDocument", "bob", { id: "doc-acme-1" });
        expect(spy).toHaveBeenCalledTimes(1);
      } finally {
        spy.mockRestore();
      }
    });
  });
});

describe("POST /api/reports/export rate limit: 5 per minute per user", () => {
  // The demo's in-memory store counts in epoch-aligned minutes on the real clock: pin the clock one
  // second into a minute so the six calls cannot straddle a window boundary. The minute is in the
  // near future so the cookies minted above (iat = real now) stay valid.
  const PINNED = Math.ceil(Date.now() / 60_000) * 60_000 + 1_000;
  let demo: Demo;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(PINNED);
    demo = await loadDemo(); // a fresh store per test
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("alice: 5 × 200 with RateLimit fields, then 429 with Retry-After", async () => {
    for (let i = 1; i <= 5; i++) {
      const response = await call(demo, "export", "alice");
      expect(response.status, `call ${i}`).toBe(200);
      expect(response.headers.get("ratelimit-policy")).toBe('"reports.export";q=5;w=60');
      expect(response.headers.get("ratelimit")).toBe(`"reports.export";r=${5 - i};t=59`);
      const body = (await response.json()) as { report: Record<string, unknown> };
      expect(body).toEqual({
        report: { tenant: "acme", format: "csv", generatedAt: new Date(PINNED).toISOString() },
      });
    }
    const limited = await call(demo, "export", "alice");
    expect(limited.headers.get("retry-after")).toBe("59");
    expect(limited.headers.get("ratelimit-policy")).toBe('"reports.export";q=5;w=60');
    expect(limited.headers.get("ratelimit")).toBe('"reports.export";r=0;t=59');
    await expectRefused(limited, 429, {
      error: "Too Many Requests",
      message: "Rate limit exceeded: at most 5 requests per 60 seconds",
      code: "rate_limited",
      limit: 5,
      retry_after: 59,
    });
  });

  it("the limit is per user: carol is not limited by alice, bob's 403s spend nothing", async () => {
    for (let i = 0; i < 6; i++) await call(demo, "export", "alice");
    for (let i = 0; i < 6; i++) expect((await call(demo, "export", "bob")).status).toBe(403);
    const carol = await call(demo, "export", "carol");
    expect(carol.status).toBe(200);
    expect(carol.headers.get("ratelimit")).toBe('"reports.export";r=4;t=59');
  });

  it("the next window admits alice again", async () => {
    for (let i = 0; i < 6; i++) await call(demo, "export", "alice");
    vi.setSystemTime(PINNED + 60_000);
    expect((await call(demo, "export", "alice")).status).toBe(200);
  });
});

describe("GET /api/ops/metrics under a proxy trust model (TRUSTED_PROXY_HOPS=1)", () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await loadDemo({
      TRUSTED_PROXY_HOPS: "1",
      OPS_ALLOWED_IPS: "10.0.0.0/8, 2001:db8::/32",
    });
  });
  afterAll(async () => {
    // Later describes (and files) must not inherit this trust model.
    vi.unstubAllEnvs();
  });

  const metrics = (who: Who, xff?: string) =>
    call(demo, "metrics", who, { headers: xff === undefined ? {} : { "x-forwarded-for": xff } });

  it.each([
    ["10.1.2.3", "anonymous"],
    ["10.1.2.3", "bob"],
    ["2001:db8::7", "anonymous"],
    // The proxy appended the real client (rightmost); a spoofed leftmost entry changes nothing.
    ["203.0.113.66, 10.1.2.3", "anonymous"],
  ] as const)("inside: X-Forwarded-For %s as %s → 200", async (xff, who) => {
    const response = await metrics(who, xff);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { metrics: { uptimeSeconds: number; runtime: string } };
    expect(Object.keys(body.metrics).sort()).toEqual(["runtime", "uptimeSeconds"]);
  });

  it.each([
    ["203.0.113.66", "anonymous"],
    ["203.0.113.66", "alice"],
    ["127.0.0.1", "alice"],
    // Spoofed leftmost allowed address, real client outside: still refused.
    ["10.1.2.3, 203.0.113.66", "alice"],
    ["not-an-address", "alice"],
  ] as const)("outside: X-Forwarded-For %s as %s → 403", async (xff, who) => {
    await expectRefused(await metrics(who, xff), 403, refusal.ip);
  });

  it("no X-Forwarded-For at all: the address cannot be known → 403", async () => {
    await expectRefused(await metrics("alice"), 403, refusal.ip);
  });
});

describe("a cookie from Auth.js's own sign-in is read by the kit", () => {
  // Auth.js builds its URL from these (trustHost); without them it looks for `__Secure-` cookies on https://null.
  const forwarded = { "x-forwarded-host": "localhost:3000", "x-forwarded-proto": "http" };

  async function signIn(email: string, password: string): Promise<string | null> {
    const auth = await import("@/app/api/auth/[...nextauth]/route");
    const csrf = await auth.GET(requestFor("/api/auth/csrf", { headers: forwarded }));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const callback = await auth.POST(
      new Request("http://localhost:3000/api/auth/callback/credentials", {
        method: "POST",
        headers: {
          ...forwarded,
          "content-type": "application/x-www-form-urlencoded",
          cookie: csrfCookie,
        },
        body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }),
      }),
    );
    const session = callback.headers
      .getSetCookie()
      .map((c) => c.split(";")[0] ?? "")
      .filter((c) => /^authjs\.session-token(\.\d+)?=./.test(c));
    return session.length > 0 ? session.join("; ") : null;
  }

  it("signing in as alice gives a session /api/me and the admin list accept; a wrong password gives none", async () => {
    const demo = await loadDemo();
    const cookie = await signIn("alice@example.com", "demo");
    expect(cookie).not.toBeNull();
    const me = await demo.me.GET(requestFor("/api/me", { cookie: cookie! }), routeContext());
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual(userJson("alice"));
    expect(
      (
        await demo.adminUsers.GET(
          requestFor("/api/admin/users", { cookie: cookie! }),
          routeContext(),
        )
      ).status,
    ).toBe(200);

    // Auth.js logs the refused sign-in (CredentialsSignin) through console.error: expected here.
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect(await signIn("alice@example.com", "wrong")).toBeNull();
    } finally {
      log.mockRestore();
    }
    const bob = await signIn("bob@example.com", "demo");
    await expectRefused(
      await demo.adminUsers.GET(requestFor("/api/admin/users", { cookie: bob! }), routeContext()),
      403,
      refusal.admin,
    );
  });
});
