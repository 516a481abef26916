/**
 * redisMembershipStore against a REAL redis-server: the memory store's behaviour, one script per
 * call, the seed written once per keyspace (a second instance does not undo a change), a malformed
 * record, NOSCRIPT after a restart, and a Redis that is down (rejects within the deadline: the kit
 * then answers 503).
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { redisMembershipStore, type RedisScriptClient } from "@/lib/authz";
import { MEMBERSHIP_SCRIPTS } from "@/lib/authz/subject/redis";
import { createRedisClientFromUrl, type LazyRedisClient } from "@/lib/redis-node";
import { requireRedisServer, startRedisServer, type RedisServer } from "../support/redis-server";
import { expectConfigError } from "../support/config-error";

const { skip } = requireRedisServer();

describe.skipIf(skip)("redisMembershipStore (real redis-server)", () => {
  let redis: RedisServer;
  let client: LazyRedisClient;
  let raw: ReturnType<typeof createClient>;
  let n = 0;
  const prefix = () => `t${++n}:subjects`;
  const seed = { "u-a": { acme: "admin" }, "u-d": { acme: "member", globex: "admin" } };

  beforeAll(async () => {
    redis = await startRedisServer();
    client = createRedisClientFromUrl(redis.url, { onError: () => undefined });
    raw = createClient({ url: redis.url });
    raw.on("error", () => undefined);
    await raw.connect();
  });
  afterAll(async () => {
    await client?.close();
    raw?.destroy();
    await redis?.stop();
  });

  test("seeded accounts load; members list; unknown accounts are null", async () => {
    const store = redisMembershipStore({ client, prefix: prefix(), seed });
    expect(await store.load("u-d")).toEqual({ memberships: { acme: "member", globex: "admin" } });
    expect(await store.load("u-x")).toBeNull();
    expect(await store.members("acme")).toEqual([
      { userId: "u-a", role: "admin" },
      { userId: "u-d", role: "member" },
    ]);
  });

  test("set, change, remove; no membership for a missing account; removeAccount cleans member lists", async () => {
    const store = redisMembershipStore({ client, prefix: prefix(), seed });
    expect(await store.setMembership("globex", "u-a", "member")).toBe(true);
    expect(await store.setMembership("acme", "u-d", "admin")).toBe(true);
    expect(await store.setMembership("acme", "u-x", "member")).toBe(false);
    expect(await store.load("u-x")).toBeNull();
    expect(await store.removeMembership("globex", "u-a")).toBe(true);
    expect(await store.removeMembership("globex", "u-a")).toBe(false);
    expect(await store.load("u-a")).toEqual({ memberships: { acme: "admin" } });
    expect(await store.setMembership("globex", "u-a", "member")).toBe(true);
    expect(await store.removeAccount("u-a")).toBe(true);
    expect(await store.removeAccount("u-a")).toBe(false);
    expect(await store.load("u-a")).toBeNull();
    expect(await store.members("globex")).toEqual([{ userId: "u-d", role: "admin" }]);
    expect(await store.members("acme")).toEqual([{ userId: "u-d", role: "admin" }]);
  });

  test("the seed is written once per keyspace: a later instance does not undo a change", async () => {
    const p = prefix();
    const first = redisMembershipStore({ client, prefix: p, seed });
    expect(await first.removeMembership("acme", "u-d")).toBe(true);
    const second = redisMembershipStore({ client, prefix: p, seed });
    expect(await second.load("u-d")).toEqual({ memberships: { globex: "admin" } });
  });

  test("one script call per load", async () => {
    let calls = 0;
    const counting: RedisScriptClient = {
      evalSha: (sha, o) => (calls++, client.evalSha(sha, o)),
      eval: (script, o) => (calls++, client.eval(script, o)),
    };
    const store = redisMembershipStore({ client: counting, prefix: prefix() });
    await store.load("u-a"); // the first call of a script may need EVAL after NOSCRIPT
    calls = 0;
    for (let i = 0; i < 10; i++) await store.load(`u-${i}`);
    expect(calls).toBe(10);
  });

  test("a malformed record: no account field is no account; stray fields are dropped later by the kit", async () => {
    const p = prefix();
    const store = redisMembershipStore({ client, prefix: p });
    await raw.hSet(`${p}:user:u-m`, { "org:acme": "admin" }); // no `account` field
    expect(await store.load("u-m")).toBeNull();
    await raw.hSet(`${p}:user:u-m`, { account: "1", "org:__proto__": "admin", junk: "x" });
    const record = await store.load("u-m");
    expect(Object.getPrototypeOf(record!.memberships)).toBe(Object.prototype);
    expect(Object.entries(record!.memberships)).toEqual([
      ["acme", "admin"],
      ["__proto__", "admin"],
    ]);
    await raw.set(`${p}:user:u-s`, "not a hash");
    await expect(store.load("u-s")).rejects.toThrow();
  });

  test("Redis caches each script under the store's constant SHA-1", async () => {
    await raw.scriptFlush();
    const store = redisMembershipStore({ client, prefix: prefix(), seed });
    await store.load("u-a");
    await store.setMembership("globex", "u-a", "member");
    const { READ_SEEDED, SEED, SET, REMOVE } = MEMBERSHIP_SCRIPTS;
    expect(await raw.scriptExists([READ_SEEDED.sha1, SEED.sha1, SET.sha1, REMOVE.sha1])).toEqual([
      1, 1, 1, 0,
    ]);
  });

  test("NOSCRIPT after SCRIPT FLUSH: the store sends the script again", async () => {
    const store = redisMembershipStore({ client, prefix: prefix(), seed });
    await store.load("u-a");
    await raw.scriptFlush();
    expect(await store.load("u-a")).toEqual({ memberships: { acme: "admin" } });
  });

  test("Redis down: every call rejects within the deadline, then works again after a restart", async () => {
    const store = redisMembershipStore({ client, prefix: prefix(), seed, timeoutMs: 300 });
    await store.load("u-a");
    await redis.kill();
    const started = Date.now();
    await expect(store.load("u-a")).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    await redis.restart();
    await expect
      .poll(() => store.load("u-a").catch(() => "down"), { timeout: 15_000, interval: 250 })
      .toEqual({ memberships: { acme: "admin" } }); // re-seeded: the restarted server is empty
    await raw.connect().catch(() => undefined);
  });

  test("checks its options at definition", () => {
    expect(() => redisMembershipStore({ client: {} as RedisScriptClient })).toThrow(TypeError);
    expectConfigError(
      () => redisMembershipStore({ client: {} as RedisScriptClient }),
      "invalid_store_options",
    );
    expect(() => redisMembershipStore({ client, prefix: "" })).toThrow(TypeError);
    expectConfigError(() => redisMembershipStore({ client, prefix: "" }), "invalid_store_options");
    expect(() => redisMembershipStore({ client, timeoutMs: 0 })).toThrow(TypeError);
    expectConfigError(
      () => redisMembershipStore({ client, timeoutMs: 0 }),
      "invalid_store_options",
    );
  });
});
