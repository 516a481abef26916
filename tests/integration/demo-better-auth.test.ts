/**
 * The demo on Better Auth (AUTH_PROVIDER=better-auth) answers every row of the contract's endpoint
 * tables (DESIGN §1.2, §1.4) exactly as it does on Auth.js: the same script of requests (deletes and
 * rate limits included, in order) runs against both, each user signed in through the provider's own
 * endpoint (Better Auth: POST /api/auth/sign-in/email on the demo's mounted handler), and the
 * statuses, bodies and headers must be equal, the 401 challenge and the request id aside. Then what
 * only Better Auth has: sign-out refused at once by authoritative policies and within the cookie
 * cache elsewhere, and the middleware's Edge decision from the cookie cache.
 */
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import { requestFor, routeContext, signInWithCredentials } from "@/lib/authz/testing";

const SECRET = "demo-better-auth-integration-secret-0123456789abcdef";
const STRATEGIES = ["compact", "jwt", "jwe"] as const;
type Provider = "authjs" | "better-auth";
type Strategy = (typeof STRATEGIES)[number];
const USERS = ["alice", "bob", "carol", "dave"] as const;
type User = (typeof USERS)[number];
type Who = User | "anonymous";

async function loadDemo(provider: Provider, strategy: Strategy = "compact") {
  vi.resetModules();
  // A fresh Better Auth instance (its sessions live on globalThis, shared by Next's bundles).
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("next-authz-kit.demo.better-auth")];
  for (const [name, value] of Object.entries({
    AUTH_SECRET: SECRET,
    AUTH_PROVIDER: provider,
    BETTER_AUTH_COOKIE_CACHE: strategy,
    BETTER_AUTH_SECRET: undefined,
    BETTER_AUTH_URL: undefined,
    REDIS_URL: undefined,
    VERCEL: undefined,
    TRUSTED_PROXY_HOPS: undefined,
    TRUSTED_PROXY_CIDRS: undefined,
    OPS_ALLOWED_IPS: undefined,
  }))
    vi.stubEnv(name, value);
  const [authRoute, me, adminUsers, adminUser, document, reports, ops] = await Promise.all([
    import("@/app/api/auth/[...nextauth]/route"),
    import("@/app/api/me/route"),
    import("@/app/api/admin/users/route"),
    import("@/app/api/admin/users/[id]/route"),
    import("@/app/api/documents/[id]/route"),
    import("@/app/api/reports/export/route"),
    import("@/app/api/ops/metrics/route"),
  ]);
  const [orgDocuments, orgDocument, members, member, accounts, middleware, store] =
    await Promise.all([
      import("@/app/api/orgs/[org]/documents/route"),
      import("@/app/api/orgs/[org]/documents/[id]/route"),
      import("@/app/api/orgs/[org]/members/route"),
      import("@/app/api/orgs/[org]/members/[userId]/route"),
      import("@/lib/demo/accounts"),
      import("@/middleware"),
      import("@/lib/demo/store"),
    ]);
  // Back to the seed: documents (a database shared by module loads), users, accounts.
  await store.documentStore.reset();
  store.userStore.reset();
  accounts.demoAccounts.reset();
  return {
    authRoute,
    me,
    adminUsers,
    adminUser,
    document,
    reports,
    ops,
    orgDocuments,
    orgDocument,
    members,
    member,
    middleware,
  };
}
type Demo = Awaited<ReturnType<typeof loadDemo>>;

/** The `Cookie` header a browser sends back after `response`. */
const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .filter((pair) => !pair.endsWith("="))
    .join("; ");

/** Signs in through the provider's own endpoints, served by the demo's /api/auth handler. */
async function signIn(demo: Demo, provider: Provider, user: User): Promise<string> {
  const email = `${user}@example.com`;
  if (provider === "better-auth") {
    const response = await demo.authRoute.POST(
      requestFor("/api/auth/sign-in/email", {
        method: "POST",
        json: { email, password: "demo" },
        headers: { origin: "http://localhost:3000" },
      }),
    );
    expect(response.status).toBe(200);
    const cookie = cookiesOf(response);
    expect(cookie).toMatch(/better-auth\.session_token=.*better-auth\.session_data/);
    return cookie;
  }
  // Auth.js's CSRF and credentials callback, answered by the same route handler over fetch.
  const fetchThrough = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return request.method === "GET" ? demo.authRoute.GET(request) : demo.authRoute.POST(request);
  };
  const original = globalThis.fetch;
  globalThis.fetch = fetchThrough as typeof fetch;
  try {
    const cookie = await signInWithCredentials("http://localhost:3000", email, "demo");
    if (!cookie) throw new Error(`Auth.js sign-in failed for ${user}`);
    return cookie;
  } finally {
    globalThis.fetch = original;
  }
}

interface Answer {
  readonly row: string;
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

// Headers that may differ between providers or runs: the challenge (another scheme's cookie name),
// the request id, and the rate-limit reset (seconds left in a window that started a moment apart).
const VARYING = new Set(["www-authenticate", "x-request-id", "ratelimit", "retry-after"]);

async function answer(row: string, response: Response): Promise<Answer> {
  // The only values that change from one call to the next: generated timestamps, and the seconds
  // left in a rate-limit window (as its Retry-After header).
  const text = (await response.text())
    .replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"/g, '"<time>"')
    .replace(/"retry_after":\d+/g, '"retry_after":"<seconds>"');
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: compared as text
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!VARYING.has(name) && name !== "set-cookie") headers[name] = value;
  });
  return { row, status: response.status, body, headers };
}

/** The contract's tables as one ordered script: the same requests, in the same order. */
async function runContract(demo: Demo, cookies: Record<Who, string | undefined>) {
  const out: Answer[] = [];
  const call = async (
    row: string,
    handler: (request: Request, context: ReturnType<typeof routeContext>) => Promise<Response>,
    path: string,
    who: Who,
    init: { method?: string; json?: unknown; params?: Record<string, string> } = {},
  ) => {
    const request = requestFor(path, {
      ...(init.method ? { method: init.method } : {}),
      ...(init.json !== undefined ? { json: init.json } : {}),
      ...(cookies[who] ? { cookie: cookies[who] } : {}),
      headers: { origin: "http://localhost:3000" },
    });
    out.push(await answer(`${who} ${row}`, await handler(request, routeContext(init.params))));
  };
  const everyone: readonly Who[] = ["anonymous", ...USERS];
  for (const who of everyone) {
    await call("GET /api/me", demo.me.GET, "/api/me", who);
    await call("GET /api/admin/users", demo.adminUsers.GET, "/api/admin/users", who);
    for (const id of ["doc-acme-1", "doc-acme-2", "doc-globex-1", "doc-missing"])
      await call(`GET /api/documents/${id}`, demo.document.GET, `/api/documents/${id}`, who, {
        params: { id },
      });
    for (const org of ["acme", "globex", "initech"]) {
      await call(
        `GET /api/orgs/${org}/documents`,
        demo.orgDocuments.GET,
        `/api/orgs/${org}/documents`,
        who,
        {
          params: { org },
        },
      );
      await call(
        `GET /api/orgs/${org}/members`,
        demo.members.GET,
        `/api/orgs/${org}/members`,
        who,
        {
          params: { org },
        },
      );
    }
    await call(
      "GET /api/orgs/acme/documents/doc-globex-3",
      demo.orgDocument.GET,
      "/api/orgs/acme/documents/doc-globex-3",
      who,
      { params: { org: "acme", id: "doc-globex-3" } },
    );
    await call("GET /api/ops/metrics", demo.ops.GET, "/api/ops/metrics", who);
  }
  // Rate limits and plans: bob (free) is refused; alice and carol (pro) get 5 then 429.
  for (const who of [
    "anonymous",
    "bob",
    "alice",
    "alice",
    "alice",
    "alice",
    "alice",
    "alice",
  ] as const)
    await call("POST /api/reports/export", demo.reports.POST, "/api/reports/export", who, {
      method: "POST",
      json: { format: "csv" },
    });
  // Writes, in order: memberships, documents, users.
  const put = (who: Who, org: string, userId: string, role: unknown) =>
    call(
      `PUT /api/orgs/${org}/members/${userId} ${JSON.stringify(role)}`,
      demo.member.PUT,
      `/api/orgs/${org}/members/${userId}`,
      who,
      {
        method: "PUT",
        json: { role },
        params: { org, userId },
      },
    );
  await put("bob", "acme", "user-carol", "member");
  await put("alice", "acme", "user-carol", "member");
  await put("alice", "acme", "user-carol", "owner");
  await put("alice", "acme", "user-nobody", "member");
  await call(
    "GET /api/orgs/acme/documents (carol, now a member)",
    demo.orgDocuments.GET,
    "/api/orgs/acme/documents",
    "carol",
    {
      params: { org: "acme" },
    },
  );
  for (const [who, userId] of [
    ["bob", "user-carol"],
    ["alice", "user-carol"],
    ["alice", "user-carol"],
  ] as const)
    await call(
      `DELETE /api/orgs/acme/members/${userId}`,
      demo.member.DELETE,
      `/api/orgs/acme/members/${userId}`,
      who,
      {
        method: "DELETE",
        params: { org: "acme", userId },
      },
    );
  for (const [who, id] of [
    ["anonymous", "doc-acme-2"],
    ["bob", "doc-acme-2"],
    ["carol", "doc-acme-1"],
    ["bob", "doc-acme-1"],
    ["alice", "doc-acme-3"],
    ["alice", "doc-acme-3"],
  ] as const)
    await call(`DELETE /api/documents/${id}`, demo.document.DELETE, `/api/documents/${id}`, who, {
      method: "DELETE",
      params: { id },
    });
  for (const [who, id] of [
    ["bob", "user-carol"],
    ["alice", "user-carol"],
    ["alice", "user-bob"],
    ["alice", "user-bob"],
    ["alice", "user-nobody"],
  ] as const)
    await call(
      `DELETE /api/admin/users/${id}`,
      demo.adminUser.DELETE,
      `/api/admin/users/${id}`,
      who,
      {
        method: "DELETE",
        params: { id },
      },
    );
  await call("GET /api/me (after bob was deleted)", demo.me.GET, "/api/me", "bob");
  return out;
}

async function contractUnder(provider: Provider, strategy: Strategy = "compact") {
  const demo = await loadDemo(provider, strategy);
  const cookies = { anonymous: undefined } as Record<Who, string | undefined>;
  for (const user of USERS) cookies[user] = await signIn(demo, provider, user);
  return runContract(demo, cookies);
}

afterAll(() => {
  vi.unstubAllEnvs();
});

describe("the demo's contract under both providers", () => {
  let authJs: Answer[];

  it.each(STRATEGIES)(
    "Better Auth (%s cookie cache) answers every row as Auth.js does",
    async (strategy) => {
      authJs ??= await contractUnder("authjs");
      const betterAuth = await contractUnder("better-auth", strategy);
      expect(betterAuth.map((a) => a.row)).toEqual(authJs.map((a) => a.row));
      // Row by row, so a difference names its row.
      const differing = betterAuth.flatMap((a, i) =>
        JSON.stringify(a) === JSON.stringify(authJs[i]) ? [] : [[a, authJs[i]]],
      );
      expect(differing).toEqual([]);
      // The script covers what it claims: every status of the tables occurs.
      expect(new Set(authJs.map((a) => a.status))).toEqual(
        new Set([200, 204, 400, 401, 403, 404, 429]),
      );
    },
    180_000,
  );
});

describe("sign-in under Better Auth", () => {
  it("never yields a session for a wrong password or an unknown user", async () => {
    const demo = await loadDemo("better-auth");
    for (const json of [
      { email: "alice@example.com", password: "wrong" },
      { email: "mallory@example.com", password: "demo" },
    ]) {
      const response = await demo.authRoute.POST(
        requestFor("/api/auth/sign-in/email", {
          method: "POST",
          json,
          headers: { origin: "http://localhost:3000" },
        }),
      );
      expect(response.status).toBe(401);
      expect(cookiesOf(response)).toBe("");
    }
  });
});

describe("Better Auth's organization endpoints", () => {
  it("are not served: memberships change only through the kit-guarded /api/orgs/* (DESIGN 1.4)", async () => {
    const demo = await loadDemo("better-auth");
    const alice = await signIn(demo, "better-auth", "alice");
    for (const [method, path, json] of [
      [
        "POST",
        "/api/auth/organization/add-member",
        { userId: "user-carol", role: "admin", organizationId: "acme" },
      ],
      ["POST", "/api/auth/organization/update-member-role", { memberId: "x", role: "admin" }],
      ["GET", "/api/auth/organization/list", undefined],
    ] as const) {
      const route = method === "GET" ? demo.authRoute.GET : demo.authRoute.POST;
      const response = await route(
        requestFor(path, {
          method,
          ...(json ? { json } : {}),
          headers: { cookie: alice, origin: "http://localhost:3000" },
        }),
      );
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ code: "not_found" });
    }
  });
});

describe("sign-out under Better Auth", () => {
  it("is refused at once by authoritative policies and within the cookie cache elsewhere", async () => {
    const demo = await loadDemo("better-auth");
    const alice = await signIn(demo, "better-auth", "alice");
    const dave = await signIn(demo, "better-auth", "dave");
    for (const cookie of [alice, dave]) {
      const out = await demo.authRoute.POST(
        requestFor("/api/auth/sign-out", {
          method: "POST",
          cookie,
          headers: { origin: "http://localhost:3000" },
        }),
      );
      expect(out.status).toBe(200);
    }
    // The copies of the cookies the browsers dropped: the cache still speaks for them...
    const me = await demo.me.GET(requestFor("/api/me", { cookie: alice }), routeContext());
    expect(me.status).toBe(200);
    const orgDocs = await demo.orgDocuments.GET(
      requestFor("/api/orgs/globex/documents", { cookie: dave }),
      routeContext({ org: "globex" }),
    );
    expect(orgDocs.status).toBe(200);
    // ...but not on the authoritative routes, which ask Better Auth's database.
    const deleted = await demo.adminUser.DELETE(
      requestFor("/api/admin/users/user-carol", {
        method: "DELETE",
        cookie: alice,
        headers: { origin: "http://localhost:3000" },
      }),
      routeContext({ id: "user-carol" }),
    );
    expect(deleted.status).toBe(401);
    const members = await demo.members.GET(
      requestFor("/api/orgs/globex/members", { cookie: dave }),
      routeContext({ org: "globex" }),
    );
    expect(members.status).toBe(401);
    expect(members.headers.getSetCookie()).toEqual([]);
    // ...and, after the cache's 300 s, nowhere.
    const later = Date.now() + 301_000;
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(later);
      const expired = await demo.me.GET(requestFor("/api/me", { cookie: alice }), routeContext());
      expect(expired.status).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("middleware under Better Auth", () => {
  it("decides from the cookie cache, and lets a valid token without one through", async () => {
    const demo = await loadDemo("better-auth");
    const run = (cookie: string | undefined) =>
      demo.middleware.default(
        new NextRequest("http://localhost:3000/api/admin/users", {
          headers: cookie ? { cookie } : {},
        }),
      );
    const alice = await signIn(demo, "better-auth", "alice");
    const bob = await signIn(demo, "better-auth", "bob");
    const passes = (response: Response | undefined | void) =>
      response === undefined || response.headers.get("x-middleware-next") === "1";
    expect(passes(await run(alice))).toBe(true);
    expect((await run(bob))?.status).toBe(403);
    expect((await run(undefined))?.status).toBe(401);
    const bobTokenOnly = bob
      .split("; ")
      .filter((pair) => pair.startsWith("better-auth.session_token="))
      .join("; ");
    // No cache: only Better Auth can say, so the handler decides (and refuses bob, 403).
    expect(passes(await run(bobTokenOnly))).toBe(true);
    const handled = await demo.adminUsers.GET(
      requestFor("/api/admin/users", { cookie: bobTokenOnly }),
      routeContext(),
    );
    expect(handled.status).toBe(403);
    // Better Auth re-set bob's cache while deciding; a refusal carries none of it.
    expect(handled.headers.getSetCookie()).toEqual([]);
    const tampered = bob.replace(/session_token=(.{5})/, "session_token=XXXXX");
    expect((await run(tampered))?.status).toBe(401);
  });
});

describe("refreshed cookies under Better Auth", () => {
  it("reach the answers the kit lets through, and no refusal", async () => {
    const demo = await loadDemo("better-auth");
    const alice = await signIn(demo, "better-auth", "alice");
    const bob = await signIn(demo, "better-auth", "bob");
    const fresh = await demo.me.GET(requestFor("/api/me", { cookie: alice }), routeContext());
    expect(fresh.status).toBe(200);
    expect(fresh.headers.getSetCookie()).toEqual([]);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      // The cookie cache (300 s) has expired: Better Auth reads its database and re-sets it.
      vi.setSystemTime(Date.now() + 301_000);
      const me = await demo.me.GET(requestFor("/api/me", { cookie: alice }), routeContext());
      expect(me.status).toBe(200);
      const set = me.headers.getSetCookie().filter((line) => !/^[^=]+=;/.test(line));
      expect(set.map((line) => line.split("=")[0])).toEqual(["better-auth.session_data"]);
      // The browser keeps it: the next answer needs no refresh, and the Edge decides alone.
      const jar = [
        ...alice.split("; ").filter((pair) => !pair.startsWith("better-auth.session_data=")),
        set[0]!.split(";")[0]!,
      ].join("; ");
      const again = await demo.me.GET(requestFor("/api/me", { cookie: jar }), routeContext());
      expect(again.status).toBe(200);
      expect(again.headers.getSetCookie()).toEqual([]);
      const edge = await demo.middleware.default(
        new NextRequest("http://localhost:3000/api/admin/users", { headers: { cookie: jar } }),
      );
      expect(edge === undefined || edge.headers.get("x-middleware-next") === "1").toBe(true);
      // bob's cache expired too; his 403 sets no cookie.
      const refused = await demo.adminUsers.GET(
        requestFor("/api/admin/users", { cookie: bob }),
        routeContext(),
      );
      expect(refused.status).toBe(403);
      expect(refused.headers.getSetCookie()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
