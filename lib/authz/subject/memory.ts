/**
 * An in-memory membership store: one process only (development, tests, a single server). Several
 * instances each hold their own copy; use the Redis store to share one.
 */
import type { AccountRecord, AccountSeed, MembershipStore, OrgMember } from "./source";

/** A memory store that can go back to its seed (tests and the demo's reset). */
export interface MemoryMembershipStore extends MembershipStore {
  /** Drops every change and restores the seed. */
  reset(): void;
}

/**
 * Creates an in-memory membership store, starting from `seed`.
 *
 * @example
 * const store = memoryMembershipStore({ "user-dave": { acme: "member", globex: "admin" } });
 */
export function memoryMembershipStore(seed: AccountSeed = {}): MemoryMembershipStore {
  const accounts = new Map<string, Map<string, string>>();
  const reset = () => {
    accounts.clear();
    for (const [userId, memberships] of Object.entries(seed))
      accounts.set(userId, new Map(Object.entries(memberships)));
  };
  reset();

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
      memberships.set(org, role);
      return true;
    },
    async removeMembership(org, userId) {
      return accounts.get(userId)?.delete(org) ?? false;
    },
    async removeAccount(userId) {
      return accounts.delete(userId);
    },
  };
}
