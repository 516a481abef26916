/**
 * The "an organization keeps an admin" rules as data, run on every membership store (memory in
 * tests/unit/org-keeps-an-admin.test.ts, Redis in tests/integration/org-keeps-an-admin-redis.test.ts):
 * each scenario makes a store from a seed and checks what it refuses and what it lets through.
 */
import { expect } from "vitest";
import { LastOrgAdminError, type AccountSeed, type MembershipStore } from "@/lib/authz";

/** Makes a fresh store (its own keyspace) from a seed, with the admin roles given or the default. */
export type MakeStore = (
  seed: AccountSeed,
  adminRoles?: readonly string[],
) => MembershipStore | Promise<MembershipStore>;

/** acme: one admin (u-a); globex: one admin (u-d); initech: members only, no admin. */
export const SEED: AccountSeed = {
  "u-a": { acme: "admin" },
  "u-b": { acme: "member", initech: "member" },
  "u-c": { globex: "member" },
  "u-d": { acme: "member", globex: "admin" },
};

/** Expects a call to reject with LastOrgAdminError for `org`. */
export async function expectLastAdmin(call: Promise<unknown>, org: string): Promise<void> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LastOrgAdminError);
  expect(error).toMatchObject({ code: "last_org_admin", org, name: "LastOrgAdminError" });
}

const adminsOf = async (store: MembershipStore, org: string, roles = ["admin"]) =>
  (await store.members(org)).filter((m) => roles.includes(m.role)).map((m) => m.userId);

/** Every scenario: a name and a run over a store factory. */
export const KEEPS_AN_ADMIN: readonly (readonly [string, (make: MakeStore) => Promise<void>])[] = [
  [
    "the last admin cannot demote themself, be removed, or have their account deleted; nothing changes",
    async (make) => {
      const store = await make(SEED);
      await expectLastAdmin(store.setMembership("acme", "u-a", "member"), "acme");
      await expectLastAdmin(store.removeMembership("acme", "u-a"), "acme");
      await expectLastAdmin(store.removeAccount("u-a"), "acme");
      // An account is refused for the org it is the last admin of, whatever else it belongs to.
      await expectLastAdmin(store.removeAccount("u-d"), "globex");
      expect(await store.load("u-a")).toEqual({ memberships: { acme: "admin" } });
      expect(await store.load("u-d")).toEqual({ memberships: { acme: "member", globex: "admin" } });
      expect(await adminsOf(store, "acme")).toEqual(["u-a"]);
      expect(await adminsOf(store, "globex")).toEqual(["u-d"]);
    },
  ],
  [
    "with a second admin, either may step down or leave, and the other is then the last",
    async (make) => {
      const store = await make(SEED);
      expect(await store.setMembership("acme", "u-a", "admin")).toBe(true); // no change of role
      expect(await store.setMembership("acme", "u-b", "admin")).toBe(true);
      expect(await store.setMembership("acme", "u-a", "member")).toBe(true);
      await expectLastAdmin(store.setMembership("acme", "u-b", "member"), "acme");
      await expectLastAdmin(store.removeMembership("acme", "u-b"), "acme");
      expect(await store.removeMembership("acme", "u-a")).toBe(true);
      expect(await store.members("acme")).toEqual([
        { userId: "u-b", role: "admin" },
        { userId: "u-d", role: "member" },
      ]);
      expect(await store.setMembership("globex", "u-c", "admin")).toBe(true);
      expect(await store.removeAccount("u-d")).toBe(true);
      expect(await adminsOf(store, "globex")).toEqual(["u-c"]);
    },
  ],
  [
    "members come and go freely; an org that has no admin is not blocked by the rule",
    async (make) => {
      const store = await make(SEED);
      expect(await store.removeMembership("acme", "u-d")).toBe(true);
      expect(await store.setMembership("globex", "u-b", "member")).toBe(true);
      expect(await store.removeMembership("globex", "u-b")).toBe(true);
      expect(await store.removeAccount("u-c")).toBe(true);
      // initech has members and no admin: nothing to keep, so its changes go through.
      expect(await store.removeMembership("initech", "u-b")).toBe(true);
      expect(await store.members("initech")).toEqual([]);
      // Unknown accounts and memberships keep their plain answers.
      expect(await store.removeMembership("acme", "u-x")).toBe(false);
      expect(await store.setMembership("acme", "u-x", "member")).toBe(false);
      expect(await store.removeAccount("u-x")).toBe(false);
    },
  ],
  [
    "adminRoles names which roles keep an org manageable (an owner counts; a lone member does not)",
    async (make) => {
      const store = await make(
        { "u-o": { acme: "owner" }, "u-a": { acme: "admin" }, "u-m": { acme: "member" } },
        ["owner", "admin"],
      );
      expect(await store.setMembership("acme", "u-o", "member")).toBe(true);
      await expectLastAdmin(store.setMembership("acme", "u-a", "member"), "acme");
      expect(await store.setMembership("acme", "u-a", "owner")).toBe(true); // admin to owner
      await expectLastAdmin(store.removeMembership("acme", "u-a"), "acme");
      expect(await adminsOf(store, "acme", ["owner", "admin"])).toEqual(["u-a"]);
    },
  ],
  [
    "two demotions of an org's two admins at once: exactly one goes through",
    async (make) => {
      const seed = {
        "u-1": { acme: "admin" },
        "u-2": { acme: "admin" },
        "u-3": { acme: "member" },
      };
      for (const [first, second] of [
        [
          (s: MembershipStore) => s.setMembership("acme", "u-1", "member"),
          (s: MembershipStore) => s.setMembership("acme", "u-2", "member"),
        ],
        [
          (s: MembershipStore) => s.removeMembership("acme", "u-1"),
          (s: MembershipStore) => s.setMembership("acme", "u-2", "member"),
        ],
        [
          (s: MembershipStore) => s.removeAccount("u-1"),
          (s: MembershipStore) => s.removeMembership("acme", "u-2"),
        ],
      ] as const) {
        const store = await make(seed);
        const results = await Promise.allSettled([first(store), second(store)]);
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        const refused = results.find((r) => r.status === "rejected");
        expect(refused?.reason).toBeInstanceOf(LastOrgAdminError);
        expect(await adminsOf(store, "acme")).toHaveLength(1);
      }
    },
  ],
];
