/**
 * An organization keeps an admin, in the Redis membership store against a REAL redis-server: the
 * memory store's scenarios (tests/support/org-keeps-an-admin.ts), and the race the rule exists for:
 * two instances (two connections, as two servers would have) demoting or removing an org's two
 * admins at the same moment. The check runs inside each change's Lua script, so exactly one of
 * the two goes through, every round.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { LastOrgAdminError, redisMembershipStore, type MembershipStore } from "@/lib/authz";
import { createRedisClientFromUrl, type LazyRedisClient } from "@/lib/redis-node";
import { requireRedisServer, startRedisServer, type RedisServer } from "../support/redis-server";
import { KEEPS_AN_ADMIN } from "../support/org-keeps-an-admin";
import { expectConfigError } from "../support/config-error";

const { skip } = requireRedisServer();

describe.skipIf(skip)("redisMembershipStore: an org keeps an admin (real redis-server)", () => {
  let redis: RedisServer;
  let one: LazyRedisClient;
  let two: LazyRedisClient;
  let n = 0;
  const prefix = () => `keep${++n}:subjects`;

  beforeAll(async () => {
    redis = await startRedisServer();
    one = createRedisClientFromUrl(redis.url, { onError: () => undefined });
    two = createRedisClientFromUrl(redis.url, { onError: () => undefined });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await redis?.stop();
  });

  test.each(KEEPS_AN_ADMIN)("%s", async (_name, run) => {
    await run((seed, adminRoles) =>
      redisMembershipStore({
        client: one,
        prefix: prefix(),
        seed,
        ...(adminRoles ? { adminRoles } : {}),
      }),
    );
  });

  test("two instances demote an org's two admins at once: exactly one wins, every round", async () => {
    const seed = {
      "u-1": { acme: "admin", globex: "member" },
      "u-2": { acme: "admin" },
      "u-3": { acme: "member", globex: "admin" },
    };
    type Change = (store: MembershipStore) => Promise<boolean>;
    const races: readonly (readonly [string, Change, Change])[] = [
      [
        "two self-demotions",
        (s) => s.setMembership("acme", "u-1", "member"),
        (s) => s.setMembership("acme", "u-2", "member"),
      ],
      [
        "a removal and a demotion",
        (s) => s.removeMembership("acme", "u-2"),
        (s) => s.setMembership("acme", "u-1", "member"),
      ],
      [
        "two removals",
        (s) => s.removeMembership("acme", "u-1"),
        (s) => s.removeMembership("acme", "u-2"),
      ],
      [
        "an account deletion and a demotion",
        (s) => s.removeAccount("u-1"),
        (s) => s.setMembership("acme", "u-2", "member"),
      ],
    ];
    let rounds = 0;
    for (const [label, first, second] of races) {
      for (let round = 0; round < 25; round++) {
        const p = prefix();
        const a = redisMembershipStore({ client: one, prefix: p, seed });
        const b = redisMembershipStore({ client: two, prefix: p, seed });
        // Both instances have seen the seed, so the two changes leave together.
        await Promise.all([a.load("u-1"), b.load("u-1")]);
        const results = await Promise.allSettled([first(a), second(b)]);
        const done = results.filter((r) => r.status === "fulfilled");
        const refused = results.filter((r) => r.status === "rejected");
        expect(done, `${label}, round ${round}`).toHaveLength(1);
        expect(refused[0]?.reason, label).toBeInstanceOf(LastOrgAdminError);
        expect(refused[0]?.reason).toMatchObject({ org: "acme" });
        const admins = (await a.members("acme")).filter((m) => m.role === "admin");
        expect(admins, `${label}, round ${round}`).toHaveLength(1);
        // The member list and the account hashes agree on who is left.
        const record = await b.load(admins[0]!.userId);
        expect(record?.memberships).toMatchObject({ acme: "admin" });
        rounds++;
      }
    }
    expect(rounds).toBe(100);
  });

  test("adminRoles is checked where the store is made", () => {
    expectConfigError(
      () => redisMembershipStore({ client: one, adminRoles: [] }),
      "invalid_store_options",
    );
  });
});
