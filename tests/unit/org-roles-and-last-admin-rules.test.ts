/**
 * Org roles and the last-admin rule, at their edges (lib/authz/org/roles.ts,
 * lib/authz/subject/last-admin.ts): written for the mutants StrykerJS found no unit test noticing.
 * A role the table does not declare satisfies nothing and grants nothing (never a throw); the
 * last-admin error is recognised by its brand across bundles and by nothing else; its refusal and
 * its configuration errors say what they are about.
 */
import { describe, expect, it } from "vitest";
import { compileOrgRoles } from "@/lib/authz/org/roles";
import { LastOrgAdminError, adminRoleList, lastOrgAdmin } from "@/lib/authz/subject/last-admin";
import { expectConfigError } from "../support/config-error";

describe("compileOrgRoles with a role it does not know", () => {
  const roles = compileOrgRoles({
    member: { permissions: ["docs:read"] },
    admin: { inherits: ["member"], permissions: ["members:manage"] },
  });

  it("satisfies nothing and grants nothing, and does not throw", () => {
    expect(roles.satisfies("admin", "member")).toBe(true);
    expect(roles.grants("admin", "docs:read")).toBe(true);
    for (const held of ["owner", "", "__proto__", "constructor"]) {
      expect(roles.satisfies(held, "member"), held).toBe(false);
      expect(roles.grants(held, "docs:read"), held).toBe(false);
    }
  });

  it("an empty table knows no role", () => {
    const empty = compileOrgRoles(undefined);
    expect(empty.names).toEqual([]);
    expect(empty.satisfies("admin", "admin")).toBe(false);
    expect(empty.isRole("admin")).toBe(false);
  });
});

describe("LastOrgAdminError", () => {
  it("says which org would have been left without an admin", () => {
    const error = new LastOrgAdminError("acme");
    expect(error).toMatchObject({ name: "LastOrgAdminError", code: "last_org_admin", org: "acme" });
    expect(error.message).toBe('The change would leave organization "acme" without an admin');
  });

  it("is recognised by its brand (another bundle's copy of the class) and nothing else", () => {
    const brand = Symbol.for("next-authz-kit.last-org-admin");
    const otherCopy = Object.assign(new Error("x"), { org: "acme", [brand]: true });
    expect(otherCopy instanceof LastOrgAdminError).toBe(true);
    expect(new LastOrgAdminError("acme") instanceof LastOrgAdminError).toBe(true);
    for (const value of [
      null,
      undefined,
      "acme",
      Object.assign(new Error("x"), { org: "acme" }), // no brand
      { org: 5, [brand]: true }, // an org that is not a name
      { org: "acme", [brand]: "yes" }, // a brand that is not true
      Object.assign(() => undefined, { org: "acme", [brand]: true }), // not an error object
    ])
      expect(value instanceof LastOrgAdminError, String(value)).toBe(false);
  });

  it("answers 409 last_org_admin under the orgAdmin rule, naming the org", () => {
    expect(lastOrgAdmin("acme")).toMatchObject({
      allowed: false,
      status: 409,
      code: "last_org_admin",
      message: "An organization must keep at least one admin",
      rule: "orgAdmin",
      details: { org: "acme" },
    });
  });
});

describe("adminRoleList", () => {
  it("defaults to admin, copies the list, and refuses one with any blank or non-string name", () => {
    expect(adminRoleList(undefined)).toEqual(["admin"]);
    const given = ["owner", "admin"];
    expect(adminRoleList(given)).toEqual(given);
    expect(adminRoleList(given)).not.toBe(given);
    for (const roles of [[], ["admin", ""], ["", "admin"], ["admin", 5], "admin"]) {
      const error = expectConfigError(
        () => adminRoleList(roles as readonly string[]),
        "invalid_store_options",
      );
      expect(error.message).toContain("adminRoles");
      expect(error.message).toContain(
        `expected a non-empty list of org role names, got ${JSON.stringify(roles)}`,
      );
    }
  });
});
