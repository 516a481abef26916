/**
 * An organization keeps an admin, in the memory store (lib/authz/subject/last-admin.ts and
 * memory.ts): a demotion, a removal or an account deletion that would leave an org that has an
 * admin with none rejects with LastOrgAdminError and changes nothing; the kit's 409 refusal
 * `last_org_admin` goes through denialResponse like every refusal. The same scenarios run on the
 * Redis store against a real redis-server (tests/integration/org-keeps-an-admin-redis.test.ts).
 */
import { describe, expect, it } from "vitest";
import {
  DenyStatus,
  LastOrgAdminError,
  denialResponse,
  lastOrgAdmin,
  memoryMembershipStore,
} from "@/lib/authz";
import { expectRefusal } from "@/lib/authz/testing";
import { KEEPS_AN_ADMIN } from "../support/org-keeps-an-admin";
import { expectConfigError } from "../support/config-error";

describe("memoryMembershipStore: an org keeps an admin", () => {
  it.each(KEEPS_AN_ADMIN)("%s", async (_name, run) => {
    await run((seed, adminRoles) => memoryMembershipStore(seed, adminRoles ? { adminRoles } : {}));
  });

  it("adminRoles must be a non-empty list of role names", () => {
    for (const adminRoles of [[], [""], "admin", [1]])
      expectConfigError(
        () => memoryMembershipStore({}, { adminRoles: adminRoles as unknown as string[] }),
        "invalid_store_options",
      );
  });
});

describe("the 409 last_org_admin refusal", () => {
  it("is the kit's refusal shape: Conflict, a stable code, the org, no-store", async () => {
    expect(DenyStatus.last_org_admin).toBe(409);
    const response = denialResponse(lastOrgAdmin("acme"), new Request("http://app.test/"));
    const body = await expectRefusal(response, {
      status: 409,
      code: "last_org_admin",
      message: "An organization must keep at least one admin",
    });
    expect(body).toEqual({
      error: "Conflict",
      message: "An organization must keep at least one admin",
      code: "last_org_admin",
      org: "acme",
    });
  });

  it("LastOrgAdminError is recognised across copies of the module (Next bundles it per entry)", () => {
    const error = new LastOrgAdminError("acme");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(LastOrgAdminError);
    // What a second evaluation of the module throws: same brand, another class object.
    const copy = Object.assign(new Error("x"), { org: "acme" });
    Object.defineProperty(copy, Symbol.for("next-authz-kit.last-org-admin"), { value: true });
    expect(copy).toBeInstanceOf(LastOrgAdminError);
    expect(new Error("x")).not.toBeInstanceOf(LastOrgAdminError);
    expect(
      Object.assign(new Error("x"), { code: "last_org_admin", org: "acme" }),
    ).not.toBeInstanceOf(LastOrgAdminError);
  });
});
