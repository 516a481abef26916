/**
 * lib/authz/query/filter.ts: the filter tree a policy yields per subject, read from the compiled
 * resource and org rules (the differential suites prove agreement on real databases; this pins
 * the shapes and the fail-closed cases).
 */
import { describe, expect, it } from "vitest";
import { access, policies } from "@/lib/access";
import type { Subject } from "@/lib/authz";
import {
  allOf,
  anyOf,
  listFilter,
  matches,
  MATCH_NOTHING,
  type Filter,
} from "@/lib/authz/query/filter";
import { expectConfigError } from "../support/config-error";

type Sub = Subject<typeof access.declaration>;
const bob: Sub = {
  id: "user-bob",
  roles: ["member"],
  tenant: "acme",
  memberships: [{ org: "acme", role: "member" }],
};
const alice: Sub = {
  id: "user-alice",
  roles: ["admin"],
  tenant: "acme",
  memberships: [{ org: "acme", role: "admin" }],
};
const dave: Sub = {
  id: "user-dave",
  roles: ["member"],
  tenant: "acme",
  memberships: [
    { org: "acme", role: "member" },
    { org: "globex", role: "admin" },
  ],
};

describe("listFilter", () => {
  it("read-document: the subject's tenant", () => {
    expect(listFilter(policies.readDocument).where(bob)).toEqual({
      kind: "eq",
      field: "tenantId",
      value: "acme",
    });
  });

  it("delete-document: the tenant and the owner, or any owner for the tenant's admin", () => {
    const deletable = listFilter(policies.deleteDocument);
    expect(deletable.where(bob)).toEqual({
      kind: "and",
      of: [
        { kind: "eq", field: "tenantId", value: "acme" },
        { kind: "eq", field: "ownerId", value: "user-bob" },
      ],
    });
    expect(deletable.where(alice)).toEqual({
      kind: "and",
      of: [
        { kind: "eq", field: "tenantId", value: "acme" },
        { kind: "present", field: "ownerId" },
      ],
    });
  });

  it("org policies: the active org, or every org of the memberships with the org role's override", () => {
    const deletable = listFilter(policies.deleteOrgDocument);
    expect(deletable.where(dave, { org: "globex" })).toEqual({
      kind: "and",
      of: [
        { kind: "eq", field: "tenantId", value: "globex" },
        { kind: "present", field: "ownerId" },
      ],
    });
    expect(deletable.where(dave, { orgs: "memberships" })).toEqual({
      kind: "or",
      of: [
        {
          kind: "and",
          of: [
            { kind: "eq", field: "tenantId", value: "acme" },
            { kind: "eq", field: "ownerId", value: "user-dave" },
          ],
        },
        {
          kind: "and",
          of: [
            { kind: "eq", field: "tenantId", value: "globex" },
            { kind: "present", field: "ownerId" },
          ],
        },
      ],
    });
  });

  it("matches nothing for anonymous, a non-member, a missing org, no tenant, a missing permission", () => {
    const read = listFilter(policies.readDocument);
    const org = listFilter(policies.orgDocument);
    expect(read.where(null)).toEqual(MATCH_NOTHING);
    expect(read.where({ id: "user-x", roles: ["member"] })).toEqual(MATCH_NOTHING);
    expect(read.where({ id: "user-x", roles: [], tenant: "acme" })).toEqual(MATCH_NOTHING);
    expect(org.where(bob, { org: "globex" })).toEqual(MATCH_NOTHING);
    expect(org.where(bob)).toEqual(MATCH_NOTHING);
    expect(org.where({ ...bob, memberships: [] }, { orgs: "memberships" })).toEqual(MATCH_NOTHING);
    expect(org.where({ id: "user-bob", roles: ["member"] }, { org: "acme" })).toEqual(
      MATCH_NOTHING,
    );
  });

  it("an empty subject id owns nothing", () => {
    expect(listFilter(policies.deleteDocument).where({ ...bob, id: "" })).toEqual(MATCH_NOTHING);
  });

  it("fails closed: a subject whose checks throw matches nothing", () => {
    const throwing = new Proxy(bob, {
      get(target, key) {
        if (key === "roles") throw new Error("broken subject");
        return Reflect.get(target, key);
      },
    });
    expect(listFilter(policies.readDocument).where(throwing)).toEqual(MATCH_NOTHING);
  });

  it("a policy without a resource rule cannot make a list filter (it would list every row)", () => {
    const error = expectConfigError(() => listFilter(policies.signedIn), "invalid_policy");
    expect(error.message).toContain("a list filter needs a resource rule");
  });

  it("allOf and anyOf simplify around always and never", () => {
    const a: Filter = { kind: "eq", field: "a", value: "1" };
    expect(allOf([])).toEqual({ kind: "always" });
    expect(allOf([a, MATCH_NOTHING])).toEqual(MATCH_NOTHING);
    expect(allOf([{ kind: "always" }, a])).toEqual(a);
    expect(anyOf([])).toEqual(MATCH_NOTHING);
    expect(anyOf([a, { kind: "always" }])).toEqual({ kind: "always" });
    expect(anyOf([MATCH_NOTHING, a])).toEqual(a);
  });

  it("matches: null, empty and missing fields equal nothing; inherited keys are not fields", () => {
    expect(matches({ kind: "present", field: "o" }, { o: "" })).toBe(false);
    expect(matches({ kind: "present", field: "o" }, { o: null })).toBe(false);
    expect(matches({ kind: "in", field: "o", values: ["x"] }, { o: "x" })).toBe(true);
    expect(matches({ kind: "in", field: "o", values: [] }, { o: "x" })).toBe(false);
    expect(matches({ kind: "eq", field: "toString", value: "x" }, {})).toBe(false);
  });
});
