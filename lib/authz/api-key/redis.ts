/**
 * A Redis API key store shared by every instance: a key's record as JSON under its hash, plus an
 * id index for revoking. Each call is one script (one round trip), run by its constant SHA-1
 * through the client's two script calls, as the kit's other Redis stores.
 *
 * @see docs/credentials.md#stores
 */
import { AuthzConfigError } from "../errors";
import {
  assertRedisStoreOptions,
  runRedisScript,
  type RedisScript,
  type RedisScriptClient,
} from "../stores/redis-script";
import { parseApiKeyRecord, type ApiKeyStore } from "./key";

/** Options of {@link redisApiKeyStore}. */
export interface RedisApiKeyStoreOptions {
  readonly client: RedisScriptClient;
  /** Key prefix (default "authz:apikeys"). */
  readonly prefix?: string;
  /** Per-call deadline in ms (default 200); past it the call rejects and the kit answers 503. */
  readonly timeoutMs?: number;
}

const FIND = `return redis.call('GET', KEYS[1])`;
const SAVE = `redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
return 1`;
const REVOKE = `local hash = redis.call('GET', KEYS[1])
if not hash then return 0 end
redis.call('DEL', ARGV[1] .. hash)
redis.call('DEL', KEYS[1])
return 1`;

/** The store's scripts with their SHA-1s (tests/unit/api-key-redis.test.ts recomputes them). */
export const API_KEY_SCRIPTS: Readonly<Record<"find" | "save" | "revoke", RedisScript>> = {
  find: { source: FIND, sha1: "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f" },
  save: { source: SAVE, sha1: "6d91332a88d174cc93abc3a21f10e329f2502460" },
  revoke: { source: REVOKE, sha1: "f8e2482e10b63c56bfd536ee2f0e78aebb66a117" },
};

/**
 * API keys in Redis: created on one instance, found on all; a revocation is seen by every
 * instance within the source's cache age (at most 5 s).
 *
 * @example
 * const store = redisApiKeyStore({ client: createRedisClientFromUrl(process.env.REDIS_URL!) });
 */
export function redisApiKeyStore(options: RedisApiKeyStoreOptions): ApiKeyStore & {
  readonly runtime: "node";
} {
  const prefix = options.prefix ?? "authz:apikeys";
  const timeoutMs = options.timeoutMs ?? 200;
  assertRedisStoreOptions({ client: options.client, prefix, timeoutMs });
  if (/\s/.test(prefix))
    throw new AuthzConfigError("invalid_store_options", "prefix", "must not contain spaces");
  const byHash = `${prefix}:hash:`;
  const byId = `${prefix}:id:`;
  const run = (script: RedisScript, keys: string[], args: string[]) =>
    runRedisScript(options.client, script, keys, args, { timeoutMs, name: "Redis API key store" });

  return {
    // The store is Web APIs only, but the client it is given is a Node package in every app we know.
    runtime: "node",
    async find(hash) {
      const reply = await run(API_KEY_SCRIPTS.find, [byHash + hash], []);
      if (reply === null || reply === undefined) return null;
      if (typeof reply !== "string") throw new TypeError("Redis API key store: unexpected reply");
      let parsed: unknown;
      try {
        parsed = JSON.parse(reply);
      } catch {
        return null;
      }
      const record = parseApiKeyRecord(parsed);
      // A record under another hash's name is corrupt: an unknown key, never a pass.
      return record !== null && record.hash === hash ? record : null;
    },
    async save(record) {
      await run(
        API_KEY_SCRIPTS.save,
        [byHash + record.hash, byId + record.id],
        [JSON.stringify(record), record.hash],
      );
    },
    async revoke(id) {
      return (await run(API_KEY_SCRIPTS.revoke, [byId + id], [byHash])) === 1;
    },
  };
}
