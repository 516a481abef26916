/** The in-memory membership store: the same behaviour the Redis store proves against redis-server. */
import { describe, expect, it } from "vitest";
import { memoryMembershipStore } from "@/lib/authz";

describe("memoryMembershipStore", () => {
  const seed = { "u-a": { acme: "admin" }, "u-d": { acme: "member", globex: "admin" } };

  it("loads accounts (null when none), lists members sorted by user id", async () => {
    const store = memoryMembershipStore(seed);
    expect(await store.load("u-d")).toEqual({ memberships: { acme: "member", globex: "admin" } });
    expect(await store.load("u-x")).toBeNull();
    expect(await store.members("acme")).toEqual([
      { userId: "u-a", role: "admin" },
      { userId: "u-d", role: "member" },
    ]);
    expect(await store.members("initech")).toEqual([]);
  });

  it("sets, changes and removes memberships; refuses to add one to a missing account", async () => {
    const store = memoryMembershipStore(seed);
    expect(await store.setMembership("globex", "u-a", "member")).toBe(true);
    expect(await store.setMembership("acme", "u-d", "admin")).toBe(true);
    expect(await store.setMembership("acme", "u-x", "member")).toBe(false);
    expect(await store.load("u-x")).toBeNull();
    expect(await store.removeMembership("globex", "u-a")).toBe(true);
    expect(await store.removeMembership("globex", "u-a")).toBe(false);
    expect(await store.load("u-a")).toEqual({ memberships: { acme: "admin" } });
    expect(await store.load("u-d")).toEqual({ memberships: { acme: "admin", globex: "admin" } });
  });

  it("removes an account with its memberships; reset restores the seed", async () => {
    const store = memoryMembershipStore(seed);
    expect(await store.removeAccount("u-x")).toBe(false);
    await store.setMembership("globex", "u-a", "admin"); // u-d is no longer globex's last admin
    expect(await store.removeAccount("u-d")).toBe(true);
    expect(await store.removeAccount("u-d")).toBe(false);
    expect(await store.members("globex")).toEqual([{ userId: "u-a", role: "admin" }]);
    store.reset();
    expect(await store.members("globex")).toEqual([{ userId: "u-d", role: "admin" }]);
  });

  it("a caller that mutates what it loaded does not change the store", async () => {
    const store = memoryMembershipStore(seed);
    const record = await store.load("u-a");
    (record!.memberships as Record<string, string>).globex = "admin";
    expect(await store.load("u-a")).toEqual({ memberships: { acme: "admin" } });
  });
});
