/**
 * redisApiKeyStore against a REAL redis-server, as two instances would use it: each with its own
 * client and its own API key source (its own cache). A key created on one is found on the other;
 * a key revoked on one is refused there at once and on the other within its cache age; the
 * scripts' SHA-1 constants are what Redis computes; a Redis that is down is a 503, never a pass.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  apiKeySource,
  createApiKey,
  createAuthz,
  defineAccess,
  redisApiKeyStore,
} from "@/lib/authz";
import { API_KEY_SCRIPTS } from "@/lib/authz/api-key/redis";
import { createRedisClientFromUrl, type LazyRedisClient } from "@/lib/redis-node";
import { requireRedisServer, startRedisServer, type RedisServer } from "../support/redis-server";
import { expectConfigError } from "../support/config-error";

const { skip } = requireRedisServer();
const users = (id: string) => (id === "user-carol" ? { sub: id, tenant: "globex" } : null);
const request = (key: string) =>
  new Request("https://api.example.test/x", { headers: { "x-api-key": key } });

describe.skipIf(skip)("redisApiKeyStore (real redis-server, two instances)", () => {
  let redis: RedisServer;
  let clientA: LazyRedisClient;
  let clientB: LazyRedisClient;
  let n = 0;
  const prefix = () => `t${++n}:apikeys`;

  beforeAll(async () => {
    redis = await startRedisServer();
    clientA = createRedisClientFromUrl(redis.url, { onError: () => undefined });
    clientB = createRedisClientFromUrl(redis.url, { onError: () => undefined });
  });
  afterAll(async () => {
    await clientA?.close();
    await clientB?.close();
    await redis?.stop();
  });

  test("the scripts' SHA-1 constants are the scripts'", () => {
    for (const script of Object.values(API_KEY_SCRIPTS))
      expect(script.sha1).toBe(createHash("sha1").update(script.source).digest("hex"));
  });

  test("created on A, found on B; revoked on A: refused on A at once, on B within its cache", async () => {
    let clock = 1_000_000;
    const p = prefix();
    const storeA = redisApiKeyStore({ client: clientA, prefix: p });
    const storeB = redisApiKeyStore({ client: clientB, prefix: p });
    const a = apiKeySource({ store: storeA, users, now: () => clock });
    const b = apiKeySource({ store: storeB, users, now: () => clock, cacheMs: 2_000 });
    const { key, record } = await createApiKey(storeA, {
      name: "CI",
      owner: { type: "user", id: "user-carol" },
      permissions: ["reports:export"],
    });
    expect(await storeB.find(record.hash)).toEqual(record);
    expect(await b.read(request(key))).toMatchObject({
      status: "ok",
      auth: { claims: { sub: "user-carol" }, scopes: ["reports:export"] },
    });
    expect((await a.read(request(key))).status).toBe("ok");

    expect(await a.revoke(record.id)).toBe(true);
    expect((await a.read(request(key))).status).toBe("invalid");
    expect((await b.read(request(key))).status).toBe("ok"); // B's cache: at most 2 s
    clock += 2_000;
    expect((await b.read(request(key))).status).toBe("invalid");
    expect(await storeB.revoke(record.id)).toBe(false);
  });

  test("nothing but the hash and the record is stored: never the key", async () => {
    const p = prefix();
    const store = redisApiKeyStore({ client: clientA, prefix: p });
    const { key } = await createApiKey(store, {
      name: "CI",
      owner: { type: "user", id: "user-carol" },
      permissions: [],
    });
    await clientA.connect();
    const keys = await clientA.client.keys(`${p}:*`);
    expect(keys).toHaveLength(2);
    for (const name of keys) {
      expect(name).not.toContain(key);
      expect(await clientA.client.get(name)).not.toContain(key);
    }
  });

  test("a corrupt record is an unknown key, never a pass", async () => {
    const p = prefix();
    const store = redisApiKeyStore({ client: clientA, prefix: p });
    await clientA.connect();
    await clientA.client.set(`${p}:hash:abc`, '{"id":"x"}');
    expect(await store.find("abc")).toBeNull();
    await clientA.client.set(`${p}:hash:def`, "not json");
    expect(await store.find("def")).toBeNull();
  });

  test("Redis down: the lookup rejects within the deadline and the kit answers 503", async () => {
    const p = prefix();
    const store = redisApiKeyStore({ client: clientB, prefix: p, timeoutMs: 300 });
    const { key } = await createApiKey(store, {
      name: "CI",
      owner: { type: "user", id: "user-carol" },
      permissions: [],
    });
    const access = defineAccess({ roles: { member: {} } });
    const policy = access.policy({ name: "api", accepts: ["api_key"] });
    const authz = createAuthz({
      session: [apiKeySource({ store, users, cacheMs: 0 })],
      onError: () => undefined,
    });
    await redis.stop();
    try {
      const decision = await authz.check(policy, request(key));
      expect(decision).toMatchObject({ allowed: false, status: 503 });
    } finally {
      await redis.restart();
    }
  });

  test("checks its options at definition", () => {
    expectConfigError(() => redisApiKeyStore({ client: {} as never }), "invalid_store_options");
    expectConfigError(
      () => redisApiKeyStore({ client: clientA, prefix: "a b" }),
      "invalid_store_options",
    );
  });
});
