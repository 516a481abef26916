/**
 * In-memory rate-limit store: the kit's embedded default (one process, Edge-safe, no dependencies),
 * counting epoch-aligned fixed windows, so up to 2 × limit can pass across a window boundary.
 *
 * @see docs/rate-limits.md#fixed-windows
 */
import { AuthzConfigError } from "../errors";
import type { RateLimitResult, RateLimitRule, RateLimitStore } from "./store";

/**
 * Options of `memoryRateLimitStore`.
 */
export interface MemoryRateLimitStoreOptions {
  /**
   * Most keys held at once (default 10_000). Size it above the number of distinct keys you expect
   * in one window at peak (for example 10 × peak active users per window): it bounds memory to
   * roughly maxKeys × 100 bytes plus the key strings. When the table is full, expired windows are
   * dropped first; if every window is still live, the one that started first is forgotten, so a
   * newcomer is always counted and nobody is locked out. The cost: each such eviction hands that
   * victim a fresh limit, so a flood of maxKeys distinct keys buys one extra `limit`.
   */
  readonly maxKeys?: number;
  /** Clock in Unix ms (tests inject one). Default `Date.now`. */
  readonly now?: () => number;
}

interface Window {
  count: number;
  readonly reset: number;
}

/** Expired entries dropped from the head of the table per call: amortised cleanup, no timer. */
const SWEEP_PER_CALL = 8;

/**
 * Creates an in-memory fixed-window rate-limit store; exact under concurrency, bounded in memory.
 *
 * @example
 * const store = memoryRateLimitStore({ maxKeys: 50_000 });
 * @see docs/rate-limits.md#memory-store
 */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
    throw new AuthzConfigError(
      "invalid_store_options",
      `maxKeys`,
      `expected an integer >= 1, got ${String(maxKeys)}`,
    );
  }

  const windows = new Map<string, Window>();
  // Windows in the order they started (oldest first), so the oldest is found in O(1). A Map's own
  // iteration order would do, but V8 leaves deleted entries in place until it rehashes, and reading
  // the head past thousands of them costs microseconds per call. An item is stale once its key has
  // moved on to a newer window (identity check) and is skipped.
  let queue: { key: string; w: Window }[] = [];
  let head = 0;
  // No entry can expire before this time: full sweeps before it would find nothing.
  let nextExpiry = 0;

  const live = (item: { key: string; w: Window }) => windows.get(item.key) === item.w;

  function dropHead(): void {
    head++;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  function sweepHead(t: number): void {
    for (let i = 0; i < SWEEP_PER_CALL && head < queue.length; i++) {
      const item = queue[head]!;
      if (live(item)) {
        if (item.w.reset > t) return;
        windows.delete(item.key);
      }
      dropHead();
    }
  }

  function sweepAll(t: number): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, w] of windows) {
      if (w.reset <= t) windows.delete(key);
      else if (w.reset < earliest) earliest = w.reset;
    }
    nextExpiry = earliest;
    queue = queue.slice(head).filter(live);
    head = 0;
  }

  function evictOldest(): void {
    while (head < queue.length) {
      const item = queue[head]!;
      dropHead();
      if (live(item)) {
        windows.delete(item.key);
        return;
      }
    }
  }

  /** Makes room for one new key: expired windows go first, then the oldest live one. */
  function makeRoom(t: number): void {
    if (windows.size < maxKeys) return;
    if (t >= nextExpiry) sweepAll(t);
    if (windows.size < maxKeys) return;
    evictOldest();
  }

  function track(key: string, w: Window): void {
    windows.set(key, w);
    queue.push({ key, w });
    // Stale items pile up behind a long-lived head (mixed window lengths): keep the queue bounded.
    if (queue.length - head > 4 * maxKeys) {
      queue = queue.slice(head).filter(live);
      head = 0;
    }
  }

  function consumeNow(key: string, rule: RateLimitRule): RateLimitResult {
    assertRateLimitRule(key, rule);
    const t = now();
    sweepHead(t);
    let w = windows.get(key);
    if (w === undefined || w.reset <= t) {
      if (w !== undefined) windows.delete(key); // its queue item is now stale
      makeRoom(t);
      const reset = Math.floor(t / rule.windowMs) * rule.windowMs + rule.windowMs;
      w = { count: 0, reset };
      track(key, w);
      if (reset < nextExpiry) nextExpiry = reset;
    }
    w.count++;
    return {
      success: w.count <= rule.limit,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - w.count),
      reset: w.reset,
    };
  }

  return {
    consume(key, rule) {
      try {
        return Promise.resolve(consumeNow(key, rule));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}

/**
 * Throws an AuthzConfigError unless `key` is a non-empty string and `rule` two positive safe
 * integers: a bad rule is a programming error, and throwing (so 503) beats guessing.
 */
export function assertRateLimitRule(key: string, rule: RateLimitRule): void {
  if (typeof key !== "string" || key === "")
    throw new AuthzConfigError(
      "invalid_rate_limit_rule",
      "rate-limit key",
      "expected a non-empty string",
    );
  if (!Number.isSafeInteger(rule?.limit) || rule.limit < 1) {
    throw new AuthzConfigError(
      "invalid_rate_limit_rule",
      `rate-limit rule`,
      `limit must be an integer >= 1, got ${String(rule?.limit)}`,
    );
  }
  if (!Number.isSafeInteger(rule.windowMs) || rule.windowMs < 1) {
    throw new AuthzConfigError(
      "invalid_rate_limit_rule",
      `rate-limit rule`,
      `windowMs must be an integer >= 1, got ${String(rule.windowMs)}`,
    );
  }
}
