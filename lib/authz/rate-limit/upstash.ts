/**
 * Adapter from an `@upstash/ratelimit` limiter (or anything of its shape) to the kit's store,
 * with no dependency on @upstash. The limiter's own limit and window apply: build one per policy.
 *
 * @see docs/rate-limits.md#upstash
 */
import { AuthzConfigError } from "../errors";
import type { RateLimitResult, RateLimitStore } from "./store";

/**
 * The part of `Ratelimit` from `@upstash/ratelimit` the kit uses.
 */
export interface UpstashLikeLimiter {
  limit(identifier: string): Promise<{
    success: boolean;
    limit: number;
    remaining: number;
    reset: number;
    /** Work still running (analytics, multi-region sync); the kit only keeps it from going unhandled. */
    pending?: Promise<unknown>;
    /** Upstash sets "timeout" when its `timeout` option let the request through without counting. */
    reason?: string;
  }>;
}

/**
 * Wraps an Upstash-style limiter as a `RateLimitStore` that fails closed on timeouts and odd results.
 *
 * @example
 * const store = upstashRateLimitStore(
 *   new Ratelimit({ redis: Redis.fromEnv(), limiter: Ratelimit.fixedWindow(5, "60 s"), prefix: "export" }),
 * );
 * @see docs/rate-limits.md#upstash
 */
export function upstashRateLimitStore(limiter: UpstashLikeLimiter): RateLimitStore {
  if (typeof limiter?.limit !== "function") {
    throw new AuthzConfigError(
      "invalid_store_options",
      "limiter",
      "expected an object with a limit(identifier) method",
    );
  }
  return {
    async consume(key): Promise<RateLimitResult> {
      const result = await limiter.limit(key);
      result.pending?.catch(() => {});
      if (result.reason === "timeout") {
        throw new Error("Rate limiter timed out (Upstash allowed the request without counting it)");
      }
      const { success, limit, remaining, reset } = result;
      if (typeof success !== "boolean" || ![limit, remaining, reset].every(Number.isFinite)) {
        throw new Error("Rate limiter returned a malformed result");
      }
      return { success, limit, remaining: Math.max(0, remaining), reset };
    },
  };
}
