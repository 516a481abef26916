/**
 * Defense in depth, without any switch: every request of the matrix goes once through the root
 * middleware.ts and once straight to the route handler Next would run (as if the middleware were
 * out of the way: not matched, bypassed, or removed). Wherever the middleware refuses, the handler
 * alone must refuse with the same answer (status, body, the headers a client reads), so taking the
 * middleware away changes nothing a client sees; where it passes, the handler answers as always.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { routeContext, sessionCookie } from "@/lib/authz/testing";
import type { AuthorizationMiddleware } from "@/lib/authz/middleware";

const SECRET = "middleware-defense-secret-0123456789abcdef";

type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string | string[]>> },
) => Promise<Response>;
type Routes = Record<string, Partial<Record<string, Handler>>>;

async function loadDemo(env: Record<string, string | undefined>) {
  vi.resetModules();
  for (const [name, value] of Object.entries({
    AUTH_SECRET: SECRET,
    REDIS_URL: undefined,
    VERCEL: undefined,
    TRUSTED_PROXY_HOPS: undefined,
    TRUSTED_PROXY_CIDRS: undefined,
    OPS_ALLOWED_IPS: undefined,
    ...env,
  })) {
    vi.stubEnv(name, value);
  }
  const [mw, me, adminUsers, adminUser, documents, reports, ops] = await Promise.all([
    import("@/middleware"),
    import("@/app/api/me/route"),
    import("@/app/api/admin/users/route"),
    import("@/app/api/admin/users/[id]/route"),
    import("@/app/api/documents/[id]/route"),
    import("@/app/api/reports/export/route"),
    import("@/app/api/ops/metrics/route"),
  ]);
  const routes: Routes = {
    "/api/me": me as Routes[string],
    "/api/admin/users": adminUsers as Routes[string],
    "/api/admin/users/[id]": adminUser as Routes[string],
    "/api/documents/[id]": documents as Routes[string],
    "/api/reports/export": reports as Routes[string],
    "/api/ops/metrics": ops as Routes[string],
  };
  return { middleware: mw.default as AuthorizationMiddleware, routes };
}

const claims = {
  alice: {
    sub: "user-alice",
    name: "Alice",
    email: "alice@example.com",
    role: "admin",
    tenant: "acme",
    plan: "pro",
  },
  bob: {
    sub: "user-bob",
    name: "Bob",
    email: "bob@example.com",
    role: "member",
    tenant: "acme",
    plan: "free",
  },
  carol: {
    sub: "user-carol",
    name: "Carol",
    email: "carol@example.com",
    role: "member",
    tenant: "globex",
    plan: "pro",
  },
} as const;
const who = ["anonymous", "alice", "bob", "carol", "expired", "foreign-secret", "garbage"] as const;
const cookies: Partial<Record<(typeof who)[number], string>> = {};

beforeAll(async () => {
  for (const [name, c] of Object.entries(claims))
    cookies[name as keyof typeof claims] = await sessionCookie(c, { secret: SECRET });
  cookies.expired = await sessionCookie(claims.alice, { secret: SECRET, maxAge: -120 });
  cookies["foreign-secret"] = await sessionCookie(claims.alice, {
    secret: "another-secret-0123456789abcdef0123",
  });
  cookies.garbage = "authjs.session-token=not-a-jwe";
});
afterAll(() => {
  vi.unstubAllEnvs();
});

/** One request: the URL a client sends, and the route file and params Next routes it to. */
interface Case {
  readonly method: string;
  readonly url: string;
  readonly route: string;
  readonly params?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

// Every demo endpoint (the README's endpoint table), the path variants that still reach a handler, and methods.
// Mutating requests use ids that do not exist, so the matrix can run both ways on one store.
const cases: readonly Case[] = [
  { method: "GET", url: "/api/me", route: "/api/me" },
  { method: "GET", url: "/api/admin/users", route: "/api/admin/users" },
  { method: "HEAD", url: "/api/admin/users", route: "/api/admin/users" },
  {
    method: "GET",
    url: "/api/admin/users",
    route: "/api/admin/users",
    headers: { accept: "application/problem+json" },
  },
  { method: "GET", url: "/api/admin/users?_rsc=1", route: "/api/admin/users" },
  { method: "GET", url: "/api/me/%2e%2e/admin/users", route: "/api/admin/users" },
  {
    method: "DELETE",
    url: "/api/admin/users/user-nobody",
    route: "/api/admin/users/[id]",
    params: { id: "user-nobody" },
  },
  {
    method: "DELETE",
    url: "/api/admin/users/a%2Fb",
    route: "/api/admin/users/[id]",
    params: { id: "a/b" },
  },
  {
    method: "GET",
    url: "/api/documents/doc-acme-1",
    route: "/api/documents/[id]",
    params: { id: "doc-acme-1" },
  },
  {
    method: "GET",
    url: "/api/documents/doc-globex-1",
    route: "/api/documents/[id]",
    params: { id: "doc-globex-1" },
  },
  {
    method: "DELETE",
    url: "/api/documents/doc-nope",
    route: "/api/documents/[id]",
    params: { id: "doc-nope" },
  },
  { method: "POST", url: "/api/reports/export", route: "/api/reports/export" },
  // Cross-site unsafe methods: 401 for anonymous callers and 403 cross_site_request for signed-in
  // ones, in the middleware and in the handler alike (the check runs after the session check).
  ...[
    { "sec-fetch-site": "cross-site", origin: "https://evil.example" } as Record<string, string>,
    { origin: "https://evil.example" },
    // A client-sent X-Forwarded-Host names the request's own host only under a trusted proxy.
    { origin: "https://evil.example", "x-forwarded-host": "evil.example" },
  ].flatMap((headers): Case[] => [
    {
      method: "DELETE",
      url: "/api/admin/users/user-nobody",
      route: "/api/admin/users/[id]",
      params: { id: "user-nobody" },
      headers,
    },
    { method: "POST", url: "/api/reports/export", route: "/api/reports/export", headers },
  ]),
  {
    method: "GET",
    url: "/api/ops/metrics",
    route: "/api/ops/metrics",
    headers: { "x-forwarded-for": "127.0.0.1" },
  },
  {
    method: "GET",
    url: "/api/ops/metrics",
    route: "/api/ops/metrics",
    headers: { "x-forwarded-for": "203.0.113.9" },
  },
];

const KEY_HEADERS = [
  "content-type",
  "cache-control",
  "www-authenticate",
  "retry-after",
  "ratelimit",
  "ratelimit-policy",
  "set-cookie",
  "location",
];

async function answer(response: Response) {
  return {
    status: response.status,
    headers: Object.fromEntries(KEY_HEADERS.map((h) => [h, response.headers.get(h)])),
    body: await response.text(),
  };
}

function build(c: Case, who: (typeof cookies)[keyof typeof cookies]) {
  const headers = new Headers(c.headers);
  if (who) headers.set("cookie", who);
  return new NextRequest(`http://localhost:3000${c.url}`, { method: c.method, headers });
}

/**
 * Runs every case for everyone on two fresh copies of the demo: through the middleware (its answer
 * when it refuses, else the handler's) and straight to the handler. Every answer must be the same:
 * the refusals the middleware gives and the answers it lets through (which also shows it spends no
 * rate limit and changes no state on the way). The clock is frozen so both copies date their
 * answers (`generatedAt`, `uptimeSeconds`) alike.
 */
async function compareAll(env: Record<string, string | undefined>) {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  try {
    const through = await loadDemo(env);
    const direct = await loadDemo(env);
    let refusedByMiddleware = 0;
    let passed = 0;
    const passedStatuses = new Set<number>();
    for (const c of cases) {
      for (const w of who) {
        const cookie = w === "anonymous" ? undefined : cookies[w];
        const label = `${c.method} ${c.url} as ${w}`;
        const method = c.method === "HEAD" ? "GET" : c.method;
        const handlerOf = (demo: typeof through) => {
          const handler = demo.routes[c.route]?.[method];
          expect(handler, `${c.method} ${c.route}`).toBeTypeOf("function");
          return handler!;
        };
        const answered = await through.middleware(build(c, cookie));
        // A pass: nothing, or (with the decision log) NextResponse.next() handing on the id.
        const early = answered?.headers.get("x-middleware-next") === "1" ? undefined : answered;
        const viaMiddleware =
          early ?? (await handlerOf(through)(build(c, cookie), routeContext(c.params ?? {})));
        const alone = await handlerOf(direct)(build(c, cookie), routeContext(c.params ?? {}));
        if (early === undefined) {
          passed++;
          passedStatuses.add(alone.status);
        } else {
          refusedByMiddleware++;
          expect(alone.status, label).toBeGreaterThanOrEqual(400);
        }
        expect(await answer(viaMiddleware), label).toEqual(await answer(alone));
      }
    }
    return { refusedByMiddleware, passed, passedStatuses: [...passedStatuses].sort() };
  } finally {
    vi.useRealTimers();
  }
}

describe("the middleware's refusals are exactly the handlers' own", () => {
  it("default deployment (no trusted proxy: the ops IP rule refuses everyone)", async () => {
    const { refusedByMiddleware, passed, passedStatuses } = await compareAll({});
    // Not vacuous: the admin and ops cases are refused early, the rest pass to their handlers,
    // which allow some (200, 204) and refuse others themselves.
    expect(refusedByMiddleware).toBeGreaterThanOrEqual(40);
    expect(passed).toBeGreaterThanOrEqual(40);
    expect(passedStatuses).toEqual(expect.arrayContaining([200, 401, 403, 404]));
  });

  it("behind one trusted proxy, with the ops allow list reachable", async () => {
    const { refusedByMiddleware } = await compareAll({
      TRUSTED_PROXY_HOPS: "1",
      OPS_ALLOWED_IPS: "127.0.0.1/32",
    });
    expect(refusedByMiddleware).toBeGreaterThanOrEqual(30);
  });
});
