/**
 * lib/demo/db/accounts.ts: the database-backed membership store answers exactly as the kit's memory
 * store, on PGlite and on a real Postgres: the same generated sequences of reads and writes
 * (memberships added, changed, removed; accounts deleted; unknown users and orgs) run on both and
 * every answer is compared.
 */
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { LastOrgAdminError, memoryMembershipStore, type MembershipStore } from "@/lib/authz";
import { drizzleMembershipStore, seedAccounts } from "@/lib/demo/db/accounts";
import { migrate } from "@/lib/demo/db/migrate";
import { schema } from "@/lib/demo/db/schema";
import type { DemoDb } from "@/lib/demo/db/types";
import { demoMemberships } from "@/lib/demo/users";
import { random } from "../support/list-differential";
import { requirePostgres, startPostgres } from "../support/postgres-server";

const USERS = ["user-alice", "user-bob", "user-carol", "user-dave", "user-ghost", "User-Bob"];
const ORGS = ["acme", "globex", "initech"];
const ROLES = ["member", "admin"];

/** Runs `steps` random operations on both stores; returns how many answers were compared. */
async function compare(db: DemoDb, steps: number, seed: number): Promise<number> {
  await seedAccounts(db, demoMemberships);
  const oracle = memoryMembershipStore(demoMemberships);
  const store = drizzleMembershipStore(db);
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const ops: ((s: MembershipStore) => Promise<unknown>)[] = [];
  for (let i = 0; i < steps; i++) {
    const user = pick(USERS);
    const org = pick(ORGS);
    const role = pick(ROLES);
    const r = rnd();
    ops.push(
      r < 0.3
        ? (s) => s.load(user)
        : r < 0.5
          ? (s) => s.members(org)
          : r < 0.75
            ? (s) => s.setMembership(org, user, role)
            : r < 0.95
              ? (s) => s.removeMembership(org, user)
              : (s) => s.removeAccount(user),
    );
  }
  let compared = 0;
  // A change the stores refuse (it would leave an org without an admin) is an answer too.
  const answer = (op: (s: MembershipStore) => Promise<unknown>, s: MembershipStore) =>
    op(s).catch((error: unknown) => {
      if (error instanceof LastOrgAdminError) return { refused: error.org };
      throw error;
    });
  for (const [i, op] of ops.entries()) {
    const expected = await answer(op, oracle);
    const got = await answer(op, store);
    expect(got, `step ${i}: ${op.toString()}`).toEqual(expected);
    compared++;
  }
  for (const user of USERS) expect(await store.load(user)).toEqual(await oracle.load(user));
  for (const org of ORGS) expect(await store.members(org)).toEqual(await oracle.members(org));
  return compared;
}

describe("drizzleMembershipStore on PGlite", () => {
  const client = new PGlite();
  afterAll(() => client.close());
  it("answers every generated read and write as the memory store does", async () => {
    const db = drizzlePglite(client, { schema }) as unknown as DemoDb;
    await migrate(db);
    expect(await compare(db, 400, 1)).toBe(400);
  }, 300_000);
});

const { skip } = requirePostgres();
describe.skipIf(skip)("drizzleMembershipStore on Postgres", () => {
  it("answers every generated read and write as the memory store does", async () => {
    const server = await startPostgres();
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    try {
      const db = drizzlePg(pool, { schema }) as unknown as DemoDb;
      await migrate(db);
      expect(await compare(db, 400, 2)).toBe(400);
    } finally {
      await pool.end();
      await server.stop();
    }
  }, 300_000);
});
