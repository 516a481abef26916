/**
 * `accountClaims`: a session whose cookie holds only the user's id (nextjs/saas-starter's
 * `{ user: { id: 1 } }`) gets its role, tenant and plan from the app's database, by that id, through
 * a per-process cache bounded like the organizations' subject freshness (at most 5 s, invalidated on
 * write, failures never cached). Runs where the database does: Node (route handlers, pages, actions,
 * `proxy.ts`), never in Edge middleware.
 *
 * @see docs/sessions.md#roles-from-your-database
 */
import { credentialSource, isCredentialSource, type CredentialSource } from "./credential";
import type { SessionSource } from "./source";
import { AuthzConfigError } from "../errors";
import { subjectFreshness } from "../subject/freshness";

/** The claims the database decides; the cookie's own copies of them are never used. */
const LOOKED_UP = ["role", "roles", "tenant", "plan"] as const;

/** What `load` answers for one user: any of `role`, `roles`, `tenant`, `plan` (others ignored). */
export type AccountClaimsRecord = Readonly<Record<string, unknown>>;

/** Options of {@link accountClaims}. */
export interface AccountClaimsOptions {
  /** The source that verifies the cookie and gives the user's id as `sub` (e.g. `signedCookie`). */
  readonly session: CredentialSource | SessionSource;
  /**
   * The user's `role`/`roles`, `tenant` and `plan` from your database, by the session's `sub` (a
   * string: `"1"` for the numeric id 1); null when the user no longer exists (a 401). A throw is
   * a store failure: the request is refused (503), never let through, and nothing is cached.
   */
  load(userId: string): Promise<AccountClaimsRecord | null>;
  /** How long an answer is reused, in ms (default 2 000, at most 5 000). */
  readonly maxAgeMs?: number;
  /** How many users are cached at most (default 10 000); the oldest go first. */
  readonly maxEntries?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** A Node credential source with a cache your writes must invalidate. */
export interface AccountClaimsSource extends CredentialSource {
  readonly maxAgeMs: number;
  /** Forgets `userId`: call it after changing that user's role, team or plan. */
  invalidate(userId: string): void;
  /** Forgets every user. */
  clear(): void;
}

/**
 * Looks the session user's role, tenant and plan up in your database, with a bounded cache.
 *
 * @example
 * export const session = accountClaims({
 *   session: signedCookie({ secret: () => process.env.AUTH_SECRET }),
 *   load: async (id) => {
 *     const [row] = await db.select().from(teamMembers).where(eq(teamMembers.userId, Number(id)));
 *     return row ? { role: row.role === "owner" ? "admin" : "member", tenant: String(row.teamId) } : null;
 *   },
 * });
 * @see docs/sessions.md#roles-from-your-database
 */
export function accountClaims(options: AccountClaimsOptions): AccountClaimsSource {
  const invalid = (why: string): never => {
    throw new AuthzConfigError("invalid_subject_options", "accountClaims", why);
  };
  if (typeof options !== "object" || options === null) invalid("options are required");
  const { load } = options;
  if (typeof load !== "function") invalid("load(userId) must be a function");
  const inner: CredentialSource | null = isCredentialSource(options.session)
    ? options.session
    : typeof options.session === "function"
      ? credentialSource(options.session)
      : null;
  if (inner === null) return invalid("session must be a credential source or a session function");
  if (inner.kind !== "session") invalid(`session must read a session, not ${inner.kind}`);

  const cache = subjectFreshness({
    source: {
      load: async (userId) => {
        const record: unknown = await load(userId);
        if (record === null) return null;
        if (typeof record !== "object" || Array.isArray(record))
          throw new TypeError(
            "accountClaims: load answered something that is not a record or null",
          );
        // memberships stay empty: org memberships come from the kit's `subjects` option.
        return { memberships: {}, claims: record as AccountClaimsRecord };
      },
    },
    ...(options.maxAgeMs === undefined ? {} : { maxAgeMs: options.maxAgeMs }),
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });

  return {
    name: `${inner.name}+account`,
    kind: inner.kind,
    runtime: "node",
    ...(inner.challenge === undefined ? {} : { challenge: inner.challenge }),
    maxAgeMs: cache.maxAgeMs,
    invalidate: (userId) => cache.invalidate(userId),
    clear: () => cache.clear(),
    async read(request) {
      const outcome = await inner.read(request);
      if (outcome.status !== "ok") return outcome;
      const { sub } = outcome.auth.claims;
      // Only a string id is looked up: anything else is left for the kit to refuse as invalid.
      if (typeof sub !== "string" || sub === "") return outcome;
      const record = (await cache.read(sub)) as { claims: AccountClaimsRecord } | null;
      if (record === null)
        return {
          status: "invalid",
          error: "invalid_token",
          description: "the session's account no longer exists",
        };
      const claims: Record<string, unknown> = { ...outcome.auth.claims };
      for (const field of LOOKED_UP) {
        delete claims[field];
        if (Object.hasOwn(record.claims, field) && record.claims[field] !== undefined)
          claims[field] = record.claims[field];
      }
      return { status: "ok", auth: { ...outcome.auth, claims } };
    },
  };
}
