/**
 * The result of counting one hit against a limit, in the shape `@upstash/ratelimit` returns, so
 * that any limiter of that shape can serve the kit.
 */
export interface RateLimitResult {
  /** Whether this hit is within the limit. */
  readonly success: boolean;
  /** The most hits allowed in one window. */
  readonly limit: number;
  /** Hits left in the current window after this one (never below 0). */
  readonly remaining: number;
  /** When the current window ends, in Unix milliseconds. */
  readonly reset: number;
}

/** One rate-limit rule as a store sees it: at most `limit` hits per `windowMs` for one key. */
export interface RateLimitRule {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Counts hits per key. Implementations must be atomic per key (N concurrent hits against a limit L
 * allow exactly L) and should reject (throw) rather than guess when the backing store fails: the
 * kit turns a throw into a 503 refusal, never into an allow.
 */
export interface RateLimitStore {
  consume(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
}
