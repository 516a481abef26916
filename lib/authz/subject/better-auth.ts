/**
 * Better Auth's organization plugin as the kit's membership store: the `member` table
 * (`{ organizationId, userId, role }`, `role` a comma list) read and written through Better Auth's
 * own database adapter (`(await auth.$context).adapter`), whatever database is behind it. The kit's
 * org id is Better Auth's `organizationId`.
 *
 * @see docs/organizations.md#account-sources
 */
import type { AccountRecord, MembershipStore, OrgMember } from "./source";

/** One equality condition, in Better Auth's adapter `where` shape. */
export interface BetterAuthWhere {
  readonly field: string;
  readonly value: string;
}

/** The few calls of Better Auth's database adapter this store makes. */
export interface BetterAuthDbAdapter {
  findOne<T>(data: { model: string; where: BetterAuthWhere[] }): Promise<T | null>;
  findMany<T>(data: { model: string; where?: BetterAuthWhere[] }): Promise<T[]>;
  create<T extends Record<string, unknown>, R = T>(data: { model: string; data: T }): Promise<R>;
  update<T>(data: {
    model: string;
    where: BetterAuthWhere[];
    update: Record<string, unknown>;
  }): Promise<T | null>;
  deleteMany(data: { model: string; where: BetterAuthWhere[] }): Promise<number>;
}

/** Options of {@link betterAuthMembers}. */
export interface BetterAuthMembersOptions {
  /**
   * Better Auth's member role is a comma list (`"admin,member"`); the kit keeps one role per org.
   * @default the first entry of the list
   */
  readonly toOrgRole?: (roles: readonly string[]) => string | undefined;
  /** Clock for `createdAt` of new rows (tests). @default () => new Date() */
  readonly now?: () => Date;
}

interface MemberRow {
  readonly id: string;
  readonly organizationId: string;
  readonly userId: string;
  readonly role: string;
}

const roleList = (role: unknown): string[] =>
  typeof role === "string"
    ? role
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean)
    : [];

/**
 * A {@link MembershipStore} over Better Auth's `user` and `member` tables. Removing an account
 * deletes its memberships, sessions and sign-in accounts with it, so its cookies stop working.
 *
 * @example
 * const store = betterAuthMembers((await auth.$context).adapter);
 * const subjects = subjectFreshness({ source: store, maxAgeMs: 2_000 });
 * @see docs/organizations.md#account-sources
 */
export function betterAuthMembers(
  adapter: BetterAuthDbAdapter,
  options: BetterAuthMembersOptions = {},
): MembershipStore {
  const toOrgRole = options.toOrgRole ?? ((roles) => roles[0]);
  const now = options.now ?? (() => new Date());
  const userExists = async (userId: string) =>
    (await adapter.findOne({ model: "user", where: [{ field: "id", value: userId }] })) !== null;
  const memberRow = (org: string, userId: string) =>
    adapter.findOne<MemberRow>({
      model: "member",
      where: [
        { field: "organizationId", value: org },
        { field: "userId", value: userId },
      ],
    });

  return {
    async load(userId): Promise<AccountRecord | null> {
      if (!(await userExists(userId))) return null;
      const rows = await adapter.findMany<MemberRow>({
        model: "member",
        where: [{ field: "userId", value: userId }],
      });
      const memberships: Record<string, unknown> = {};
      for (const row of rows) {
        const role = toOrgRole(roleList(row.role));
        if (role !== undefined) memberships[row.organizationId] = role;
      }
      return { memberships };
    },
    async members(org): Promise<readonly OrgMember[]> {
      const rows = await adapter.findMany<MemberRow>({
        model: "member",
        where: [{ field: "organizationId", value: org }],
      });
      const found: OrgMember[] = [];
      for (const row of rows) {
        const role = toOrgRole(roleList(row.role));
        if (role !== undefined) found.push({ userId: row.userId, role });
      }
      return found.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    },
    async setMembership(org, userId, role) {
      if (!(await userExists(userId))) return false;
      const existing = await memberRow(org, userId);
      if (existing) {
        await adapter.update({
          model: "member",
          where: [{ field: "id", value: existing.id }],
          update: { role },
        });
      } else {
        await adapter.create({
          model: "member",
          data: { organizationId: org, userId, role, createdAt: now() },
        });
      }
      return true;
    },
    async removeMembership(org, userId) {
      const removed = await adapter.deleteMany({
        model: "member",
        where: [
          { field: "organizationId", value: org },
          { field: "userId", value: userId },
        ],
      });
      return removed > 0;
    },
    async removeAccount(userId) {
      if (!(await userExists(userId))) return false;
      const byUser = [{ field: "userId", value: userId }];
      await adapter.deleteMany({ model: "member", where: byUser });
      await adapter.deleteMany({ model: "session", where: byUser });
      await adapter.deleteMany({ model: "account", where: byUser });
      await adapter.deleteMany({ model: "user", where: [{ field: "id", value: userId }] });
      return true;
    },
  };
}
