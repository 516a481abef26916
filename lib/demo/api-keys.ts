/**
 * NODE.JS RUNTIME ONLY (the Redis client). The demo's API keys: in Redis when REDIS_URL is set
 * (every instance finds a key created on any, and refuses a revoked one within the source's
 * 2 s cache), otherwise in this process's memory. Seeded with carol's published key, of which
 * the store keeps only the SHA-256 hash.
 *
 * One instance per process on globalThis, as lib/demo/accounts.ts, so every bundle shares it.
 */
import {
  apiKeySource,
  createApiKey,
  memoryApiKeyStore,
  redisApiKeyStore,
  type ApiKeySource,
  type ApiKeyStore,
} from "@/lib/authz";
import { createRedisClientFromUrl } from "@/lib/redis-node";
import { DEMO_API_KEY, demoUserClaims } from "./machine";

interface DemoApiKeys {
  readonly redisUrl: string | undefined;
  readonly store: ApiKeyStore;
  readonly source: ApiKeySource;
}

/** A store whose calls wait for the seed: the demo key exists before the first lookup. */
function seeded(store: ApiKeyStore & { readonly runtime: "edge" | "node" }): typeof store {
  let seeding: Promise<unknown> | undefined;
  const ready = () =>
    (seeding ??= createApiKey(store, {
      key: DEMO_API_KEY,
      id: "key_demo_carol",
      prefix: "sk_demo_carol_",
      name: "Carol's demo key",
      owner: { type: "user", id: "user-carol" },
      permissions: ["reports:export"],
      now: () => 0,
    }).catch((error: unknown) => {
      seeding = undefined; // a Redis that was down: try again on the next call
      throw error;
    }));
  return {
    runtime: store.runtime,
    find: async (hash) => (await ready(), store.find(hash)),
    save: async (record) => (await ready(), store.save(record)),
    revoke: async (id) => (await ready(), store.revoke(id)),
  };
}

function create(redisUrl: string | undefined): DemoApiKeys {
  const store = seeded(
    redisUrl
      ? redisApiKeyStore({
          client: createRedisClientFromUrl(redisUrl),
          prefix: "next-authz-kit:apikeys",
        })
      : memoryApiKeyStore(),
  );
  return { redisUrl, store, source: apiKeySource({ store, users: demoUserClaims }) };
}

const SLOT = Symbol.for("next-authz-kit.demo.api-keys");
const holder = globalThis as typeof globalThis & { [SLOT]?: DemoApiKeys };

function current(): DemoApiKeys {
  const url = process.env.REDIS_URL || undefined;
  const existing = holder[SLOT];
  if (existing !== undefined && existing.redisUrl === url) return existing;
  return (holder[SLOT] = create(url));
}

/**
 * The demo's API key source, for lib/authz-node.ts: it asks this process's current store (memory,
 * or Redis when REDIS_URL is set), and its revoke is seen at once here, within 2 s elsewhere.
 */
export const demoApiKeySource: ApiKeySource = {
  name: "api-key",
  kind: "api_key",
  runtime: "node",
  challenge: { scheme: "ApiKey", params: { header: "X-API-Key" } },
  read: (request) => current().source.read(request),
  revoke: (id) => current().source.revoke(id),
};

/** The store behind the demo's key source (tests create and revoke keys through it). */
export const demoApiKeyStore = (): ApiKeyStore => current().store;
