/**
 * The demo on Better Auth against `next start` (needs `npm run build`): an Auth.js server and a
 * Better Auth server (AUTH_PROVIDER=better-auth, compact and jwe cookie caches) run side by side;
 * each user signs in over HTTP through the provider's own endpoint, and the same requests, in the
 * same order, through the middleware and the handlers alike, must get the same answers (the 401
 * challenge, request ids and rate-limit clocks aside). Then sign-out over HTTP: refused at once on
 * the authoritative routes, still served from the cookie cache elsewhere.
 */
import { expect, test } from "@playwright/test";
import { signInWithCredentials } from "../../lib/authz/testing";
import { startNextServer, type NextServer } from "../support/next-server";

const USERS = ["alice", "bob", "carol", "dave"] as const;
type User = (typeof USERS)[number];
type Who = User | "anonymous";
type Cookies = Partial<Record<Who, string>>;

const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .filter((pair) => !pair.endsWith("="))
    .join("; ");

async function betterAuthSignIn(server: NextServer, user: User): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ email: `${user}@example.com`, password: "demo" }),
  });
  expect(response.status, `Better Auth sign-in as ${user}`).toBe(200);
  return cookiesOf(response);
}

interface Answer {
  readonly row: string;
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

const KEPT = ["content-type", "cache-control", "location", "x-authz-layer", "ratelimit-policy"];

async function call(
  server: NextServer,
  cookies: Cookies,
  who: Who,
  method: string,
  path: string,
  json?: unknown,
): Promise<Answer> {
  const headers: Record<string, string> = { origin: server.url };
  const cookie = cookies[who];
  if (cookie) headers.cookie = cookie;
  if (json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    redirect: "manual",
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const type = response.headers.get("content-type") ?? "";
  // Pages are compared by status and redirect; JSON bodies in full, minus timestamps and clocks.
  const body = type.includes("json")
    ? (await response.text())
        .replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"/g, '"<time>"')
        .replace(/"retry_after":\d+/g, '"retry_after":"<seconds>"')
    : "";
  const kept: Record<string, string> = {};
  for (const name of KEPT) {
    const value = response.headers.get(name);
    if (value !== null) kept[name] = value.replace(server.url, "<origin>");
  }
  return { row: `${who} ${method} ${path}`, status: response.status, body, headers: kept };
}

async function contract(server: NextServer, cookies: Cookies): Promise<Answer[]> {
  const out: Answer[] = [];
  const everyone: readonly Who[] = ["anonymous", ...USERS];
  for (const who of everyone) {
    for (const path of [
      "/api/me",
      "/api/admin/users",
      "/api/documents/doc-acme-1",
      "/api/documents/doc-globex-1",
      "/api/documents/doc-missing",
      "/api/orgs/acme/documents",
      "/api/orgs/globex/documents",
      "/api/orgs/initech/documents",
      "/api/orgs/acme/members",
      "/api/orgs/globex/members",
      "/api/orgs/acme/documents/doc-globex-3",
      "/api/ops/metrics",
      "/dashboard",
      "/admin",
      "/orgs/acme",
      "/orgs/globex",
    ])
      out.push(await call(server, cookies, who, "GET", path));
  }
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
    out.push(await call(server, cookies, who, "POST", "/api/reports/export", { format: "csv" }));
  for (const [who, role] of [
    ["bob", "member"],
    ["alice", "member"],
    ["alice", "owner"],
  ] as const)
    out.push(
      await call(server, cookies, who, "PUT", "/api/orgs/acme/members/user-carol", { role }),
    );
  out.push(await call(server, cookies, "alice", "DELETE", "/api/orgs/acme/members/user-carol"));
  out.push(await call(server, cookies, "bob", "DELETE", "/api/documents/doc-acme-2"));
  out.push(await call(server, cookies, "bob", "DELETE", "/api/documents/doc-acme-1"));
  out.push(await call(server, cookies, "bob", "DELETE", "/api/admin/users/user-carol"));
  out.push(await call(server, cookies, "alice", "DELETE", "/api/admin/users/user-bob"));
  out.push(await call(server, cookies, "bob", "GET", "/api/me"));
  return out;
}

test.describe.configure({ mode: "serial" });

let authJs: Answer[];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const server = await startNextServer();
  try {
    const cookies: Cookies = {};
    for (const user of USERS) {
      const cookie = await signInWithCredentials(server.url, `${user}@example.com`, "demo");
      expect(cookie, `Auth.js sign-in as ${user}`).toBeTruthy();
      cookies[user] = cookie!;
    }
    authJs = await contract(server, cookies);
  } finally {
    await server.stop();
  }
});

for (const strategy of ["compact", "jwe"] as const) {
  test(`Better Auth (${strategy} cache) answers every row as Auth.js does, over HTTP`, async () => {
    test.setTimeout(180_000);
    const server = await startNextServer({
      env: { AUTH_PROVIDER: "better-auth", BETTER_AUTH_COOKIE_CACHE: strategy },
      readyPath: "/api/auth/ok",
    });
    try {
      const cookies: Cookies = {};
      for (const user of USERS) cookies[user] = await betterAuthSignIn(server, user);
      expect(cookies.alice).toMatch(/better-auth\.session_token=.*better-auth\.session_data=/);
      const answers = await contract(server, cookies);
      const differing = answers.flatMap((a, i) =>
        JSON.stringify(a) === JSON.stringify(authJs[i]) ? [] : [[a, authJs[i]]],
      );
      expect(differing).toEqual([]);
      expect(answers.some((a) => a.headers["x-authz-layer"] === "middleware")).toBe(true);
    } finally {
      await server.stop();
    }
  });
}

test("sign-out over HTTP: authoritative routes refuse the old cookies at once", async () => {
  test.setTimeout(120_000);
  const server = await startNextServer({
    env: { AUTH_PROVIDER: "better-auth" },
    readyPath: "/api/auth/ok",
  });
  try {
    const alice = await betterAuthSignIn(server, "alice");
    const out = await fetch(`${server.url}/api/auth/sign-out`, {
      method: "POST",
      headers: { cookie: alice, origin: server.url },
    });
    expect(out.status).toBe(200);
    const cookies: Cookies = { alice };
    expect((await call(server, cookies, "alice", "GET", "/api/me")).status).toBe(200);
    expect((await call(server, cookies, "alice", "GET", "/api/admin/users")).status).toBe(200);
    const deleted = await call(server, cookies, "alice", "DELETE", "/api/admin/users/user-carol");
    expect(deleted.status).toBe(401);
  } finally {
    await server.stop();
  }
});

test("a cookie cache Better Auth re-sets reaches the allowed answer once, and no refusal", async () => {
  test.setTimeout(120_000);
  const server = await startNextServer({
    env: { AUTH_PROVIDER: "better-auth" },
    readyPath: "/api/auth/ok",
  });
  try {
    const bob = await betterAuthSignIn(server, "bob");
    // Without its cache cookie (as after the cache's 300 s), only Better Auth's database can say:
    // it re-sets the cache, through the kit, on the answer the kit lets through.
    const tokenOnly = bob
      .split("; ")
      .filter((pair) => pair.startsWith("better-auth.session_token="))
      .join("; ");
    const get = (path: string) =>
      fetch(`${server.url}${path}`, { headers: { cookie: tokenOnly }, redirect: "manual" });
    const me = await get("/api/me");
    expect(me.status).toBe(200);
    const set = me.headers
      .getSetCookie()
      .map((line) => line.split(";")[0] ?? "")
      .filter((pair) => !pair.endsWith("="));
    expect(set.map((pair) => pair.split("=")[0])).toEqual(["better-auth.session_data"]);
    // The re-set cache is real: with it, the middleware decides at the Edge (bob is not an admin).
    const admin = await fetch(`${server.url}/api/admin/users`, {
      headers: { cookie: `${tokenOnly}; ${set[0]}` },
    });
    expect(admin.status).toBe(403);
    expect(admin.headers.get("x-authz-layer")).toBe("middleware");
    // Without it, the handler decides (Better Auth re-sets the cache there too): a refusal, 403,
    // and it sets no cookie (DESIGN §1.3), not even one Better Auth wrote while deciding.
    const refused = await get("/api/admin/users");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("x-authz-layer")).not.toBe("middleware");
    expect(refused.headers.getSetCookie()).toEqual([]);
  } finally {
    await server.stop();
  }
});
