/**
 * Redis-backed rate-limit store: the same epoch-aligned FIXED WINDOW as the memory store (see its
 * header comment for the 2 × limit burst across a boundary), counted with one atomic Lua script per
 * hit: INCR the window's key, PEXPIRE it on the first hit, return the count and PTTL. One round
 * trip, no race between instances. Window boundaries come from the app's clock (keep instances on
 * NTP), the key's lifetime from Redis's clock (PEXPIRE is relative, so skew cannot expire a live
 * window early).
 *
 * It depends on the two script calls it makes (`RedisLike`), not on a Redis package: pass a
 * node-redis client (the demo's lib/redis-node.ts shows one that reconnects), a cluster, or an
 * adapter. It uses `setTimeout` and nothing Node-only, like the rest of this folder.
 */
import { assertRedisStoreOptions, runRedisScript, type RedisScriptClient } from "../redis-script";
import { assertRateLimitRule } from "./memory";
import type { RateLimitResult, RateLimitStore } from "./store";

/** The two script commands the store needs (the kit's `RedisScriptClient`, under its first name). */
export type RedisLike = RedisScriptClient;

/** Options of `redisRateLimitStore`. */
export interface RedisRateLimitStoreOptions {
  readonly client: RedisLike;
  /** Key prefix (default "authz:rl"); keys are `${prefix}:${key}:${windowStart}`. */
  readonly prefix?: string;
  /** Per-call deadline in ms (default 200); past it `consume` rejects and the kit answers 503. */
  readonly timeoutMs?: number;
  /** Clock in Unix ms (tests inject one). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The Lua script run per hit: KEYS[1] window key, ARGV[1] window length in ms; returns { count, pttl }.
 * The `pttl < 0` branch repairs a key left without expiry by anything else (it would count forever).
 */
export const RATE_LIMIT_SCRIPT = `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

/**
 * SHA-1 of `RATE_LIMIT_SCRIPT`, the name EVALSHA runs it by. A constant rather than computed, so
 * the folder needs no `node:crypto`; tests/unit/rate-limit-redis.test.ts recomputes it.
 */
export const RATE_LIMIT_SCRIPT_SHA1 = "f1d3e62e7a116fa30e1e5a627f7ee88aa8e99f72";

/**
 * Creates a Redis-backed fixed-window store: atomic across processes, rejects on failure or timeout.
 *
 * Runs the script with EVALSHA and falls back to EVAL (which also caches it) on NOSCRIPT, e.g.
 * after a Redis restart or failover. Any error, timeout or malformed reply rejects: the kit turns a
 * rejection into 503, never into an allow. A timed-out hit may still be counted by Redis later.
 *
 * @param options `client` (required), `prefix` ("authz:rl"), `timeoutMs` (200).
 * @example
 * const store = redisRateLimitStore({ client: createClient({ url: process.env.REDIS_URL }) });
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { client } = options;
  const prefix = options.prefix ?? "authz:rl";
  const timeoutMs = options.timeoutMs ?? 200;
  const now = options.now ?? Date.now;
  assertRedisStoreOptions({ client, prefix, timeoutMs });
  const script = { source: RATE_LIMIT_SCRIPT, sha1: RATE_LIMIT_SCRIPT_SHA1 };
  const deadline = { timeoutMs, name: "Redis rate limit" };

  return {
    async consume(key, rule): Promise<RateLimitResult> {
      assertRateLimitRule(key, rule);
      const windowStart = Math.floor(now() / rule.windowMs) * rule.windowMs;
      const reply = await runRedisScript(
        client,
        script,
        [`${prefix}:${key}:${windowStart}`],
        [String(rule.windowMs)],
        deadline,
      );
      if (
        !Array.isArray(reply) ||
        typeof reply[0] !== "number" ||
        !Number.isSafeInteger(reply[0]) ||
        reply[0] < 1
      ) {
        throw new Error("Redis rate limit: unexpected reply from the script");
      }
      const count = reply[0];
      return {
        success: count <= rule.limit,
        limit: rule.limit,
        remaining: Math.max(0, rule.limit - count),
        reset: windowStart + rule.windowMs,
      };
    },
  };
}
