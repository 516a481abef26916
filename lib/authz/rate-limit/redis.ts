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
import { AuthzConfigError } from "../errors";
import { assertRateLimitRule } from "./memory";
import type { RateLimitResult, RateLimitStore } from "./store";

/**
 * The two script commands the store needs, in node-redis's shape (client and cluster both fit; an
 * ioredis adapter is in the README). A NOSCRIPT failure must reject with an error whose message
 * starts with "NOSCRIPT".
 */
export interface RedisLike {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

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

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}

/** Rejects with a clear error if `promise` has not settled within `ms`; clears its timer either way. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Redis rate limit timed out after ${ms} ms`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

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
  if (typeof client?.evalSha !== "function" || typeof client.eval !== "function") {
    throw new AuthzConfigError(
      "invalid_store_options",
      "Redis client",
      "expected evalSha(sha, { keys, arguments }) and eval(script, { keys, arguments })",
    );
  }
  if (typeof prefix !== "string" || prefix === "")
    throw new AuthzConfigError("invalid_store_options", "prefix", "expected a non-empty string");
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new AuthzConfigError(
      "invalid_store_options",
      `timeoutMs`,
      `expected a positive number, got ${String(timeoutMs)}`,
    );
  }

  async function run(keys: string[], args: string[]): Promise<unknown> {
    try {
      return await client.evalSha(RATE_LIMIT_SCRIPT_SHA1, { keys, arguments: args });
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(RATE_LIMIT_SCRIPT, { keys, arguments: args });
    }
  }

  return {
    async consume(key, rule): Promise<RateLimitResult> {
      assertRateLimitRule(key, rule);
      const windowStart = Math.floor(now() / rule.windowMs) * rule.windowMs;
      const reply = await withTimeout(
        run([`${prefix}:${key}:${windowStart}`], [String(rule.windowMs)]),
        timeoutMs,
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
