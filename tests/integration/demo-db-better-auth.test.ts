/**
 * Better Auth's data lives in the demo's database (lib/demo/db): its Drizzle adapter over the same
 * Drizzle instance as the documents, on embedded PGlite and on a REAL Postgres server at
 * DATABASE_URL. Sign-in through the demo's mounted handler writes a session row there; the seed
 * holds DESIGN §1.1/§1.4's users, orgs and members, which `betterAuthMembers` reads through Better
 * Auth's own adapter exactly as the kit's membership seed says; the migration's columns are the
 * Drizzle schema's; `resetDemoDb` (and `npm run db:reset` on Postgres) restores the seed and signs
 * everyone out.
 */
import { spawnSync } from "node:child_process";
import { getTableColumns, getTableName, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requestFor } from "@/lib/authz/testing";
import { betterAuthMembers } from "@/lib/authz/subject/better-auth";
import { requirePostgres, startPostgres, type PostgresServer } from "../support/postgres-server";

const SECRET = "demo-db-better-auth-secret-0123456789abcdef";
const SLOT = Symbol.for("next-authz-kit.demo.better-auth");

async function load(databaseUrl: string | undefined) {
  vi.resetModules();
  delete (globalThis as Record<symbol, unknown>)[SLOT];
  vi.stubEnv("AUTH_SECRET", SECRET);
  vi.stubEnv("BETTER_AUTH_SECRET", undefined);
  vi.stubEnv("BETTER_AUTH_URL", undefined);
  vi.stubEnv("BETTER_AUTH_COOKIE_CACHE", "compact");
  vi.stubEnv("DATABASE_URL", databaseUrl);
  const client = await import("@/lib/demo/db/client-node");
  await client.closeDemoDb();
  const [betterAuth, schema, users] = await Promise.all([
    import("@/lib/better-auth"),
    import("@/lib/demo/db/better-auth-schema"),
    import("@/lib/demo/users"),
  ]);
  return { client, betterAuth, schema, users };
}
type Loaded = Awaited<ReturnType<typeof load>>;

/** Signs in through the demo's mounted Better Auth handler; the Cookie header a browser sends back. */
async function signIn({ betterAuth }: Loaded, email: string, password = "demo") {
  const response = await betterAuth.betterAuthHandler(
    requestFor("/api/auth/sign-in/email", {
      method: "POST",
      json: { email, password },
      headers: { origin: "http://localhost:3000" },
    }),
  );
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .join("; ");
  return { status: response.status, cookie };
}

/** Better Auth's own authoritative answer (its database, not the cookie cache): the user id or null. */
async function sessionUser({ betterAuth }: Loaded, cookie: string) {
  const auth = await betterAuth.demoBetterAuth();
  const found = await auth.api.getSession({
    headers: new Headers({ cookie }),
    query: { disableCookieCache: true },
  });
  return found?.user.id ?? null;
}

/** The seed's memberships as the kit's store shape: user id -> { org: role }. */
const seedMemberships = ({ users }: Loaded) =>
  Object.fromEntries(Object.entries(users.demoMemberships).map(([id, orgs]) => [id, { ...orgs }]));

/** The proof shared by PGlite and Postgres: rows, sign-in, members, reset. */
async function provesTheDemoStore(demo: Loaded) {
  const db = await demo.client.demoDb();
  const { user, session, member } = demo.schema;

  // The seed: the demo users with their ids and roles, no session yet.
  const users = await db.select({ id: user.id, email: user.email, role: user.role }).from(user);
  expect(users.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
    demo.users.demoUsers
      .map((u) => ({ id: u.id, email: u.email, role: u.role }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  );
  expect(await db.select().from(session)).toEqual([]);

  // Sign-in over HTTP writes its session row into the demo database.
  const alice = await signIn(demo, "alice@example.com");
  expect(alice.status).toBe(200);
  const rows = await db.select({ userId: session.userId }).from(session);
  expect(rows).toEqual([{ userId: "user-alice" }]);
  expect(await sessionUser(demo, alice.cookie)).toBe("user-alice");
  expect((await signIn(demo, "alice@example.com", "wrong")).status).toBe(401);

  // The organization plugin's member table, read through Better Auth's adapter by the kit's store,
  // answers exactly the kit's membership seed.
  const adapter = (await (await demo.betterAuth.demoBetterAuth()).$context).adapter;
  const store = betterAuthMembers(adapter);
  for (const [id, memberships] of Object.entries(seedMemberships(demo)))
    expect(await store.load(id)).toEqual({ memberships });
  for (const org of demo.users.demoOrgs) {
    const expected = Object.entries(seedMemberships(demo))
      .filter(([, orgs]) => org in orgs)
      .map(([userId, orgs]) => ({ userId, role: (orgs as Record<string, string>)[org] }));
    expect(await store.members(org)).toEqual(expected);
  }

  // A change through the kit's store is a row of the demo database; the reset takes it back, with
  // every session (Better Auth's database no longer knows alice's cookie).
  expect(await store.setMembership("globex", "user-bob", "member")).toBe(true);
  expect(await store.removeAccount("user-carol")).toBe(true);
  expect(
    await db
      .select({ org: member.organizationId })
      .from(member)
      .where(sql`user_id = 'user-bob'`),
  ).toHaveLength(2);
  expect((await signIn(demo, "carol@example.com")).status).toBe(401);
  await demo.client.resetDemoDb();
  expect(await sessionUser(demo, alice.cookie)).toBeNull();
  expect(await store.load("user-bob")).toEqual({ memberships: seedMemberships(demo)["user-bob"] });
  expect((await signIn(demo, "carol@example.com")).status).toBe(200);
}

describe("Better Auth in the demo database (PGlite)", () => {
  afterAll(async () => {
    const client = await import("@/lib/demo/db/client-node");
    await client.closeDemoDb();
    vi.unstubAllEnvs();
  });

  it("signs in, reads members and resets through the demo's Drizzle database", async () => {
    await provesTheDemoStore(await load(undefined));
  }, 60_000);

  it("creates exactly the columns of the Drizzle schema Better Auth's adapter addresses", async () => {
    const demo = await load(undefined);
    const db = await demo.client.demoDb();
    for (const table of Object.values(demo.schema.betterAuthSchema)) {
      const name = getTableName(table);
      // PGlite's driver answers `{ rows }`, which the demo's driver-neutral type leaves unknown.
      const result = (await db.execute(
        sql`select column_name from information_schema.columns where table_name = ${name}`,
      )) as unknown as { rows: { column_name: string }[] };
      const created = result.rows.map((r) => r.column_name).sort();
      const declared = Object.values(getTableColumns(table))
        .map((c) => c.name)
        .sort();
      expect(created, name).toEqual(declared);
    }
  }, 60_000);
});

const { skip } = requirePostgres();

describe.skipIf(skip)("Better Auth in the demo database (Postgres at DATABASE_URL)", () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgres();
  }, 180_000);
  afterAll(async () => {
    const client = await import("@/lib/demo/db/client-node");
    await client.closeDemoDb();
    vi.unstubAllEnvs();
    await server?.stop();
  }, 60_000);

  it("npm run db:reset seeds Better Auth's tables, and the demo signs in against them", async () => {
    const reset = () =>
      spawnSync(process.execPath, ["scripts/db-reset.mjs"], {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: server.url },
        timeout: 120_000,
      });
    const first = reset();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const demo = await load(server.url);
    await provesTheDemoStore(demo);

    // Another instance (this pool) sees the session rows the demo writes; db:reset clears them.
    const dave = await signIn(demo, "dave@example.com");
    expect(dave.status).toBe(200);
    const pool = new pg.Pool({ connectionString: server.url, max: 1 });
    try {
      const count = async () =>
        Number((await pool.query<{ n: string }>("select count(*) as n from session")).rows[0]!.n);
      expect(await count()).toBe(2); // carol's from the shared proof, and dave's
      expect(reset().status).toBe(0);
      expect(await count()).toBe(0);
      expect(await sessionUser(demo, dave.cookie)).toBeNull();
    } finally {
      await pool.end();
    }
  }, 300_000);
});
