/**
 * An in-memory membership store: one process only (development, tests, a single server). Several
 * instances each hold their own copy; use the Redis store to share one.
 */
import { adminRoleList, LastOrgAdminError } from "./last-admin";
import type { AccountRecord, AccountSeed, MembershipStore, OrgMember } from "./source";

/** A memory store that can go back to its seed (tests and the demo's reset). */
export interface MemoryMembershipStore extends MembershipStore {
  /** Drops every change and restores the seed. */
  reset(): void;
}

/** Options of `memoryMembershipStore`. */
export interface MemoryMembershipStoreOptions {
  /** The org roles that count as an org's admin; no change may leave an org without one. @default ["admin"] */
  readonly adminRoles?: readonly string[];
}

/**
 * Creates an in-memory membership store, starting from `seed`. A change that would leave an org
 * without an admin rejects with `LastOrgAdminError` and changes nothing.
 *
 * @example
 * const store = memoryMembershipStore({ "user-dave": { acme: "member", globex: "admin" } });
 */
export function memoryMembershipStore(
  seed: AccountSeed = {},
  options: MemoryMembershipStoreOptions = {},
): MemoryMembershipStore {
  const admins = new Set(adminRoleList(options.adminRoles));
  const accounts = new Map<string, Map<string, string>>();
  const reset = () => {
    accounts.clear();
    for (const [userId, memberships] of Object.entries(seed))
      accounts.set(userId, new Map(Object.entries(memberships)));
  };
  reset();

  /** Whether `userId` is the only admin of `org` (so they must stay one). Synchronous: no await
   * between this check and the change, so nothing interleaves in this process. */
  const lastAdmin = (org: string, userId: string): boolean => {
    const role = accounts.get(userId)?.get(org);
    if (role === undefined || !admins.has(role)) return false;
    for (const [other, memberships] of accounts) {
      const theirs = memberships.get(org);
      if (other !== userId && theirs !== undefined && admins.has(theirs)) return false;
    }
    return true;
  };

  return {
    reset,
    async load(userId): Promise<AccountRecord | null> {
      const memberships = accounts.get(userId);
      // A copy: a caller that mutates what it got must not change the store.
      return memberships === undefined ? null : { memberships: Object.fromEntries(memberships) };
    },
    async members(org): Promise<readonly OrgMember[]> {
      const found: OrgMember[] = [];
      for (const [userId, memberships] of accounts) {
        const role = memberships.get(org);
        if (role !== undefined) found.push({ userId, role });
      }
      return found.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    },
    async setMembership(org, userId, role) {
      const memberships = accounts.get(userId);
      if (memberships === undefined) return false;
      if (!admins.has(role) && lastAdmin(org, userId)) throw new LastOrgAdminError(org);
      memberships.set(org, role);
      return true;
    },
    async removeMembership(org, userId) {
      if (lastAdmin(org, userId)) throw new LastOrgAdminError(org);
      return accounts.get(userId)?.delete(org) ?? false;
    },
    async removeAccount(userId) {
      for (const org of accounts.get(userId)?.keys() ?? [])
        if (lastAdmin(org, userId)) throw new LastOrgAdminError(org);
      return accounts.delete(userId);
    },
  };
}
