/**
 * Subject freshness: the account behind a days-long session (does it exist, which orgs, which org
 * role) is read from an `AccountSource` and cached in this process for at most `maxAgeMs`.
 *
 * @see docs/organizations.md#subject-freshness
 */
import type { AccountRecord, AccountSource } from "./source";
import { AuthzConfigError } from "../errors";

/** Options of `subjectFreshness`. */
export interface SubjectFreshnessOptions {
  readonly source: AccountSource;
  /** How long a read is reused, in ms (default 2 000, at most 5 000: the bound other instances see). */
  readonly maxAgeMs?: number;
  /** How many accounts are cached at most (default 10 000); the oldest go first. */
  readonly maxEntries?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** A cached view of an account source, shared by every policy of a kit. */
export interface SubjectFreshness {
  readonly maxAgeMs: number;
  /**
   * The account of `userId`, at most `maxAgeMs` old; null when it does not exist. Rejects when the
   * source fails or answers something that is not a record. Concurrent misses share one read.
   */
  read(userId: string): Promise<AccountRecord | null>;
  /** Forgets `userId`: call it after changing that account, so this process sees it at once. */
  invalidate(userId: string): void;
  /** Forgets every account (tests, or after a bulk change). */
  clear(): void;
}

interface Entry {
  readonly record: AccountRecord | null;
  readonly expires: number;
}

/**
 * Caches an account source per process with a short, documented bound.
 *
 * @example
 * export const subjects = subjectFreshness({ source: memoryMembershipStore(), maxAgeMs: 2_000 });
 * export const authz = createAuthz({ ...options, subjects });
 */
export function subjectFreshness(options: SubjectFreshnessOptions): SubjectFreshness {
  const { source } = options;
  const maxAgeMs = options.maxAgeMs ?? 2_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  if (typeof source?.load !== "function")
    throw new AuthzConfigError(
      "invalid_subject_options",
      "subjectFreshness",
      "source.load(userId) must be a function",
    );
  if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0 || maxAgeMs > 5_000)
    throw new AuthzConfigError(
      "invalid_subject_options",
      "subjectFreshness",
      `maxAgeMs must be 0-5000, got ${maxAgeMs}`,
    );
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new AuthzConfigError(
      "invalid_subject_options",
      "subjectFreshness",
      `maxEntries must be ≥ 1, got ${maxEntries}`,
    );

  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<AccountRecord | null>>();
  // Bumped by every invalidation: a read that started before one must not be cached after it.
  let generation = 0;

  const checked = (record: unknown): AccountRecord | null => {
    if (record === null) return null;
    if (typeof record !== "object" || Array.isArray(record))
      throw new TypeError("account source answered something that is not a record or null");
    return record as AccountRecord;
  };

  function load(userId: string): Promise<AccountRecord | null> {
    const started = generation;
    const pending = (async () => {
      const record = checked(await source.load(userId));
      if (generation === started) {
        cache.delete(userId); // re-insert at the end: the oldest entries are evicted first
        cache.set(userId, { record, expires: now() + maxAgeMs });
        if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      }
      return record;
    })();
    inFlight.set(userId, pending);
    const settled = () => {
      if (inFlight.get(userId) === pending) inFlight.delete(userId);
    };
    pending.then(settled, settled);
    return pending;
  }

  return {
    maxAgeMs,
    read(userId) {
      const hit = cache.get(userId);
      if (hit !== undefined) {
        if (hit.expires > now()) return Promise.resolve(hit.record);
        cache.delete(userId);
      }
      return inFlight.get(userId) ?? load(userId);
    },
    invalidate(userId) {
      generation++;
      cache.delete(userId);
      inFlight.delete(userId);
    },
    clear() {
      generation++;
      cache.clear();
      inFlight.clear();
    },
  };
}
