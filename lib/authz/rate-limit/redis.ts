/**
 * Redis-backed rate-limit store: the memory store's fixed windows, counted by one atomic Lua script
 * per hit, so instances share one count. It needs two script calls of a client, not a Redis package.
 *
 * @see docs/rate-limits.md#redis-store
 */
import {
  assertRedisStoreOptions,
  runRedisScript,
  type RedisScriptClient,
} from "../stores/redis-script";
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
 * @example
 * const store = redisRateLimitStore({ client: createClient({ url: process.env.REDIS_URL }) });
 * @see docs/rate-limits.md#redis-store
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
