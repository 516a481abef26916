/**
 * lib/authz/subject/better-auth.ts on Better Auth's own adapter (memory database, organization
 * plugin): memberships created by the plugin's endpoints are read back, writes show in the plugin's
 * own answers, and removing an account ends its sessions.
 */
import { describe, expect, it } from "vitest";
import { betterAuthMembers } from "@/lib/authz/subject/better-auth";
import { signUp, testAuth } from "../support/better-auth";

async function setup() {
  const { auth, db } = testAuth();
  const aliceCookie = await signUp(auth, "alice@example.com");
  const bobCookie = await signUp(auth, "bob@example.com");
  const ctx = await auth.$context;
  const users = db.user as { id: string; email: string }[];
  const alice = users.find((u) => u.email === "alice@example.com")!.id;
  const bob = users.find((u) => u.email === "bob@example.com")!.id;
  const org = await auth.api.createOrganization({
    body: { name: "Acme", slug: "acme" },
    headers: new Headers({ cookie: aliceCookie }),
  });
  if (!org) throw new Error("organization not created");
  return { auth, ctx, alice, bob, org: org.id, aliceCookie, bobCookie };
}

describe("betterAuthMembers", () => {
  it("reads the member table the organization plugin writes", async () => {
    const { ctx, alice, bob, org } = await setup();
    const store = betterAuthMembers(ctx.adapter);
    expect(await store.load(alice)).toEqual({ memberships: { [org]: "owner" } });
    expect(await store.load(bob)).toEqual({ memberships: {} });
    expect(await store.load("user-nobody")).toBeNull();
    expect(await store.members(org)).toEqual([{ userId: alice, role: "owner" }]);
  });

  it("writes memberships the plugin itself then reports", async () => {
    const { auth, ctx, alice, bob, org, aliceCookie } = await setup();
    const store = betterAuthMembers(ctx.adapter);
    expect(await store.setMembership(org, bob, "member")).toBe(true);
    const listed = await auth.api.listMembers({
      query: { organizationId: org },
      headers: new Headers({ cookie: aliceCookie }),
    });
    expect(listed.members.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [alice, "owner"],
        [bob, "member"],
      ].sort(),
    );
    expect(await store.setMembership(org, bob, "admin")).toBe(true);
    expect(await store.load(bob)).toEqual({ memberships: { [org]: "admin" } });
    expect(await store.setMembership(org, "user-nobody", "member")).toBe(false);
    expect(await store.removeMembership(org, bob)).toBe(true);
    expect(await store.removeMembership(org, bob)).toBe(false);
    expect(await store.load(bob)).toEqual({ memberships: {} });
  });

  it("keeps one role per org from a comma list, as toOrgRole chooses", async () => {
    const { ctx, bob, org } = await setup();
    await betterAuthMembers(ctx.adapter).setMembership(org, bob, "admin,member");
    expect(await betterAuthMembers(ctx.adapter).load(bob)).toEqual({
      memberships: { [org]: "admin" },
    });
    const last = betterAuthMembers(ctx.adapter, { toOrgRole: (roles) => roles.at(-1) });
    expect(await last.load(bob)).toEqual({ memberships: { [org]: "member" } });
    const none = betterAuthMembers(ctx.adapter, { toOrgRole: () => undefined });
    expect(await none.members(org)).toEqual([]);
  });

  it("removes an account with its sessions: its cookies stop working", async () => {
    const { auth, ctx, bob, org, bobCookie } = await setup();
    const store = betterAuthMembers(ctx.adapter);
    await store.setMembership(org, bob, "member");
    const headers = new Headers({ cookie: bobCookie });
    expect(
      await auth.api.getSession({ headers, query: { disableCookieCache: true } }),
    ).not.toBeNull();
    expect(await store.removeAccount(bob)).toBe(true);
    expect(await store.removeAccount(bob)).toBe(false);
    expect(await store.load(bob)).toBeNull();
    expect(await auth.api.getSession({ headers, query: { disableCookieCache: true } })).toBeNull();
    expect(await store.members(org)).toHaveLength(1);
  });
});
