/**
 * A database-backed account and membership source (the kit's `MembershipStore`) over the demo's
 * Drizzle database: the same answers as the memory and Redis stores, for apps whose memberships
 * live in their own tables. The demo keeps its memory/Redis stores (DESIGN §1.4); this one is
 * proved against the memory store on PGlite and on Postgres (tests/integration/demo-db-accounts.test.ts).
 */
import { and, eq, inArray } from "drizzle-orm";
import {
  LastOrgAdminError,
  type AccountRecord,
  type AccountSeed,
  type MembershipStore,
  type OrgMember,
} from "@/lib/authz";
import { accounts, memberships } from "./schema";
import type { DemoDb } from "./types";

const byUserId = (a: OrgMember, b: OrgMember) =>
  a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;

/** Postgres's foreign_key_violation (23503), wherever the driver put the error it wraps. */
function isForeignKeyViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e === "object" && (e as { code?: unknown }).code === "23503") return true;
    e = typeof e === "object" ? (e as { cause?: unknown }).cause : undefined;
  }
  return false;
}

/** A transaction of the demo database, as `db.transaction` hands it to its callback. */
type Tx = Parameters<Parameters<DemoDb["transaction"]>[0]>[0];

/**
 * A `MembershipStore` over `db`: `load` is one query (the account and its memberships joined). A
 * change that would leave an org without an admin rejects with `LastOrgAdminError`, as the memory
 * and Redis stores do: checked inside the change's transaction with the org's admin rows locked
 * (`FOR UPDATE`), so two concurrent demotions cannot both pass.
 *
 * @example
 * const subjects = subjectFreshness({ source: drizzleMembershipStore(await demoDb()) });
 */
export function drizzleMembershipStore(
  db: DemoDb,
  options: { readonly adminRoles?: readonly string[] } = {},
): MembershipStore {
  const adminRoles = [...(options.adminRoles ?? ["admin"])];
  /** Refuses when `userId` is `org`'s only admin (their change would leave none). */
  const keepAnAdmin = async (tx: Tx, org: string, userId: string): Promise<void> => {
    const admins = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.org, org), inArray(memberships.role, adminRoles)))
      .for("update");
    if (admins.length === 1 && admins[0]!.userId === userId) throw new LastOrgAdminError(org);
  };
  return {
    async load(userId): Promise<AccountRecord | null> {
      const rows = await db
        .select({ org: memberships.org, role: memberships.role })
        .from(accounts)
        .leftJoin(memberships, eq(memberships.userId, accounts.userId))
        .where(eq(accounts.userId, userId));
      if (rows.length === 0) return null;
      const found: Record<string, string> = {};
      for (const row of rows) if (row.org !== null && row.role !== null) found[row.org] = row.role;
      return { memberships: found };
    },
    async members(org): Promise<readonly OrgMember[]> {
      const rows = await db
        .select({ userId: memberships.userId, role: memberships.role })
        .from(memberships)
        .where(eq(memberships.org, org));
      // Sorted here, by code unit as the other stores do, not by the database's collation.
      return rows.sort(byUserId);
    },
    async setMembership(org, userId, role) {
      try {
        await db.transaction(async (tx) => {
          if (!adminRoles.includes(role)) await keepAnAdmin(tx, org, userId);
          await tx
            .insert(memberships)
            .values({ userId, org, role })
            .onConflictDoUpdate({ target: [memberships.userId, memberships.org], set: { role } });
        });
        return true;
      } catch (error) {
        // No such account (the foreign key refuses the row): no change, as the other stores do.
        if (isForeignKeyViolation(error)) return false;
        throw error;
      }
    },
    async removeMembership(org, userId) {
      return db.transaction(async (tx) => {
        await keepAnAdmin(tx, org, userId);
        const removed = await tx
          .delete(memberships)
          .where(and(eq(memberships.userId, userId), eq(memberships.org, org)))
          .returning({ userId: memberships.userId });
        return removed.length > 0;
      });
    },
    async removeAccount(userId) {
      return db.transaction(async (tx) => {
        const held = await tx
          .select({ org: memberships.org })
          .from(memberships)
          .where(eq(memberships.userId, userId));
        for (const { org } of held) await keepAnAdmin(tx, org, userId);
        const removed = await tx
          .delete(accounts)
          .where(eq(accounts.userId, userId))
          .returning({ userId: accounts.userId });
        return removed.length > 0;
      });
    },
  };
}

/** Replaces every account and membership with `seed`, in one transaction. */
export async function seedAccounts(db: DemoDb, seed: AccountSeed): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(memberships);
    await tx.delete(accounts);
    const users = Object.keys(seed);
    if (users.length > 0) await tx.insert(accounts).values(users.map((userId) => ({ userId })));
    const rows = Object.entries(seed).flatMap(([userId, orgs]) =>
      Object.entries(orgs).map(([org, role]) => ({ userId, org, role })),
    );
    if (rows.length > 0) await tx.insert(memberships).values(rows);
  });
}
