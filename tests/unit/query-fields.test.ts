/**
 * lib/authz/query/fields.ts and a policy's `fields` rule: checked at definition, the union of the
 * subject's roles (inheritance counts), and the same selection strips a loaded resource.
 */
import { describe, expect, it } from "vitest";
import { defineAccess } from "@/lib/authz";
import { listFilter } from "@/lib/authz/query/filter";
import { pickFields } from "@/lib/authz/query/fields";
import { expectConfigError } from "../support/config-error";

const access = defineAccess({
  roles: {
    viewer: { permissions: ["docs:read"] },
    member: { inherits: ["viewer"], permissions: [] },
    auditor: { permissions: ["docs:read"] },
    admin: { inherits: ["member"], permissions: [] },
  },
});
const policy = access.policy({
  name: "read-doc",
  permission: "docs:read",
  resource: { tenant: "tenantId" },
  fields: { viewer: ["id", "title"], auditor: ["id", "createdAt"], admin: "*" },
});
const doc = { id: "d1", title: "Roadmap", tenantId: "acme", createdAt: "2026-01-01", notes: "x" };

describe("fields", () => {
  it("a subject reads the union of its roles' fields; inheritance counts; '*' wins", () => {
    expect(policy.fieldsFor({ id: "u", roles: ["viewer"] })).toEqual(["id", "title"]);
    expect(policy.fieldsFor({ id: "u", roles: ["member"] })).toEqual(["id", "title"]);
    expect(policy.fieldsFor({ id: "u", roles: ["member", "auditor"] })).toEqual([
      "createdAt",
      "id",
      "title",
    ]);
    expect(policy.fieldsFor({ id: "u", roles: ["admin"] })).toBe("*");
    expect(policy.fieldsFor({ id: "u", roles: [] })).toEqual([]);
    expect(policy.fieldsFor(null)).toEqual([]);
    expect(listFilter(policy).fields({ id: "u", roles: ["viewer"] })).toEqual(["id", "title"]);
  });

  it("without a fields rule every reader sees every field; anonymous none", () => {
    const open = access.policy({ name: "open", resource: { tenant: "tenantId" } });
    expect(open.fieldsFor({ id: "u", roles: [] })).toBe("*");
    expect(open.fieldsFor(null)).toEqual([]);
  });

  it("pickFields strips what the selection does not name, own properties only", () => {
    expect(pickFields(doc, ["id", "title"])).toEqual({ id: "d1", title: "Roadmap" });
    expect(pickFields(doc, "*")).toEqual(doc);
    expect(pickFields(doc, [])).toEqual({});
    expect(pickFields(doc, ["toString"])).toEqual({});
  });

  it("a wrong fields rule stops start-up with invalid_policy", () => {
    const define = (fields: unknown) => () =>
      access.policy({ name: "bad", resource: { tenant: "tenantId" }, fields: fields as never });
    expect(expectConfigError(define({ ghost: ["id"] }), "invalid_policy").message).toContain(
      'unknown role "ghost"',
    );
    expect(expectConfigError(define({ viewer: [] }), "invalid_policy").message).toContain(
      "non-empty list",
    );
    expect(expectConfigError(define({ viewer: ["a b"] }), "invalid_policy").message).toContain(
      "not an identifier",
    );
    expectConfigError(define({}), "invalid_policy");
    expectConfigError(define(["id"]), "invalid_policy");
  });
});
