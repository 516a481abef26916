/**
 * Where the kit learns what a session's cookie cannot keep current: whether the account still
 * exists and which orgs it belongs to, with which role. Implement `AccountSource` over your own
 * database, or use the memory or Redis store in this folder.
 */

/** What a source knows about one account. */
export interface AccountRecord {
  /**
   * The account's memberships, org id → org role. Entries the declaration does not know (an
   * undeclared role, a non-string) are dropped: a malformed entry is no membership.
   */
  readonly memberships: Readonly<Record<string, unknown>>;
}

/**
 * The one call the kit makes per user and cache period: null for an account that does not exist
 * (401), a rejection when the source cannot answer (503, never a pass).
 *
 * @see docs/organizations.md#account-sources
 */
export interface AccountSource {
  load(userId: string): Promise<AccountRecord | null>;
}

/** One member of an org, as a store lists it. */
export interface OrgMember {
  readonly userId: string;
  readonly role: string;
}

/** Accounts to create when a store starts empty: user id → (org id → org role). */
export type AccountSeed = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * An account source that can also change memberships: what the memory and Redis stores offer.
 * Writes go through `subjectFreshness(...).invalidate` in the app, so the writer's own process
 * sees them on the next request. No write may leave an org without an admin: one that would
 * rejects with `LastOrgAdminError` (lib/authz/subject/last-admin.ts) and changes nothing, decided
 * atomically with the write.
 */
export interface MembershipStore extends AccountSource {
  /** The org's members, sorted by user id. */
  members(org: string): Promise<readonly OrgMember[]>;
  /** Adds or changes a membership; false (and no change) when the account does not exist. */
  setMembership(org: string, userId: string, role: string): Promise<boolean>;
  /** Removes a membership; false when there was none. */
  removeMembership(org: string, userId: string): Promise<boolean>;
  /** Deletes the account and all its memberships; false when there was none. */
  removeAccount(userId: string): Promise<boolean>;
}
