/**
 * Organizations in the access declaration and in policies: org roles with inheritance, the org rule
 * ("member of the org named by this segment, with this org role or permission"), the org key of a
 * resource rule, and how `createAuthz` evaluates them against memberships from an account store
 * (never from the cookie). The session source here reads a test header: sessions are not what
 * these tests are about (tests/integration/org-api.test.ts uses real cookies).
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  AuthzConfigError,
  createAuthz,
  LastOrgAdminError,
  defineAccess,
  memoryMembershipStore,
  subjectFreshness,
  type AccountSource,
  type ActiveOrg,
  type Deny,
} from "@/lib/authz";
import { createDecisionLog, decisionSpanAttributes } from "@/lib/authz/decision-log";
import { denialResponse } from "@/lib/authz/http/respond";
import { compileOrgRoles } from "@/lib/authz/org/roles";
import { membershipIn, parseMemberships } from "@/lib/authz/org/membership";
import { expectConfigError } from "../support/config-error";

const access = defineAccess({
  roles: { member: {}, admin: { inherits: ["member"] } },
  orgRoles: {
    viewer: { permissions: ["docs:read"] },
    member: { inherits: ["viewer"], permissions: ["docs:write"] },
    admin: { inherits: ["member"], permissions: ["members:manage"] },
  },
});

const orgMember = access.policy({ name: "org-member", org: { segment: "org" } });
const orgAdmin = access.policy({ name: "org-admin", org: { segment: "org", role: "admin" } });
const orgWriter = access.policy({
  name: "org-writer",
  org: { segment: "org", permission: "docs:write" },
});
const orgDocument = access.policy({
  name: "org-document",
  org: { segment: "org" },
  resource: { org: "orgId", owner: "ownerId", orgRoleOverride: "admin" },
});

const store = () =>
  memoryMembershipStore({
    "u-dave": { acme: "member", globex: "admin" },
    "u-vic": { acme: "viewer" },
    "u-none": {},
  });

function kit(source: AccountSource = store()) {
  return createAuthz({
    session: async (request) => {
      const id = request.headers.get("x-test-user");
      return id === null ? null : { sub: id };
    },
    subjects: subjectFreshness({ source, maxAgeMs: 0 }),
    onError: () => undefined,
  });
}
const request = (user?: string) =>
  new Request("http://localhost/api/orgs/x", user ? { headers: { "x-test-user": user } } : {});

describe("org roles in the declaration", () => {
  it("inheritance: admin satisfies member and viewer, and grants their permissions", () => {
    const roles = access.orgRoles;
    expect(roles.names).toEqual(["viewer", "member", "admin"]);
    expect(roles.satisfies("admin", "viewer")).toBe(true);
    expect(roles.satisfies("member", "admin")).toBe(false);
    expect(roles.grants("admin", "docs:read")).toBe(true);
    expect(roles.grants("viewer", "docs:write")).toBe(false);
    expect(roles.isRole("owner")).toBe(false);
    expect(roles.isPermission("members:manage")).toBe(true);
  });

  it("a misspelt org role or permission is a compile error, and a TypeError at definition", () => {
    // @ts-expect-error "admn" is not a declared org role
    expect(() => access.policy({ org: { segment: "org", role: "admn" } })).toThrow(
      new AuthzConfigError("invalid_policy", 'policy "policy"', 'unknown org role "admn"'),
    );
    // @ts-expect-error "admn" is not a declared org role
    expect(() => access.policy({ org: { segment: "org", role: "admn" } })).toThrow(TypeError);
    expectConfigError(
      // @ts-expect-error "admn" is not a declared org role
      () => access.policy({ org: { segment: "org", role: "admn" } }),
      "invalid_policy",
    );
    // @ts-expect-error "docs:delete" is not granted by any org role
    expect(() => access.policy({ org: { segment: "org", permission: "docs:delete" } })).toThrow(
      TypeError,
    );
    // @ts-expect-error a user role is not an org role
    expect(() => access.policy({ resource: { owner: "o", orgRoleOverride: "root" } })).toThrow(
      TypeError,
    );
  });

  it("without orgRoles in the declaration, no org role type exists and an org rule throws", () => {
    const plain = defineAccess({ roles: { member: {} } });
    // @ts-expect-error the declaration has no org roles
    expect(() => plain.policy({ org: { segment: "org", role: "member" } })).toThrow(TypeError);
    expectConfigError(
      // @ts-expect-error the declaration has no org roles
      () => plain.policy({ org: { segment: "org", role: "member" } }),
      "invalid_policy",
    );
    expect(() => plain.policy({ org: { segment: "org" } })).toThrow(
      'Invalid policy "policy": an org rule needs orgRoles in the access declaration',
    );
  });

  it("rejects an inheritance cycle or an unknown parent at start-up", () => {
    expect(() => compileOrgRoles({ a: { inherits: ["b"] }, b: { inherits: ["a"] } })).toThrow(
      "Invalid access declaration: org role inheritance cycle a -> b -> a",
    );
    expectConfigError(
      () => compileOrgRoles({ a: { inherits: ["b"] }, b: { inherits: ["a"] } }),
      "invalid_access_declaration",
    );
    expect(() =>
      // @ts-expect-error "owner" is not a declared org role
      defineAccess({ roles: { m: {} }, orgRoles: { admin: { inherits: ["owner"] } } }),
    ).toThrow('Invalid access declaration: org role "admin" inherits unknown org role "owner"');
  });

  it("checks the rest of an org rule at definition", () => {
    expect(() => access.policy({ org: { segment: "org/x" } })).toThrow(TypeError);
    expectConfigError(() => access.policy({ org: { segment: "org/x" } }), "invalid_policy");
    expect(() => access.policy({ org: { segment: "org", role: [] } })).toThrow(
      "org.role list is empty",
    );
    expect(() => access.policy({ signedIn: false, org: { segment: "org" } })).toThrow(
      "signedIn: false conflicts with an org rule",
    );
    expect(() => access.policy({ resource: { org: "orgId" } })).toThrow(
      "a resource org key or orgRoleOverride needs the policy's org rule",
    );
    expect(() =>
      access.policy({ org: { segment: "org" }, resource: { orgRoleOverride: "admin", org: "o" } }),
    ).toThrow("orgRoleOverride needs an owner key");
  });
});

describe("memberships are parsed, never trusted", () => {
  const isRole = access.orgRoles.isRole;
  it("drops undeclared roles, non-strings and unusable org ids; sorts by org", () => {
    expect(
      parseMemberships(
        {
          globex: "admin",
          acme: "member",
          x: "owner",
          y: 1,
          "": "admin",
          ["z".repeat(129)]: "admin",
        },
        isRole,
      ),
    ).toEqual([
      { org: "acme", role: "member" },
      { org: "globex", role: "admin" },
    ]);
  });
  it("a malformed record is no membership", () => {
    for (const raw of [null, undefined, "acme:admin", ["acme", "admin"], 42])
      expect(parseMemberships(raw, isRole)).toEqual([]);
  });
  it("an org named like an Object.prototype key is data, not an inherited value", () => {
    const raw = JSON.parse('{"__proto__":"admin","constructor":"member"}') as unknown;
    expect(parseMemberships(raw, isRole)).toEqual([
      { org: "__proto__", role: "admin" },
      { org: "constructor", role: "member" },
    ]);
    expect(membershipIn([], "constructor")).toBeNull();
    expect(membershipIn([{ org: "acme", role: "admin" }], null)).toBeNull();
  });
});

describe("createAuthz evaluates org rules against the store's memberships", () => {
  it("an org rule with no account source or no org named is a 500 that reports a configuration error", async () => {
    const heard: unknown[] = [];
    const withoutSubjects = createAuthz({
      session: async () => ({ sub: "u-dave" }),
      onError: (error) => void heard.push(error),
    });
    const decision = await withoutSubjects.check(orgMember, request("u-dave"), { org: "acme" });
    expect(decision).toMatchObject({ allowed: false, status: 500, code: "authorization_error" });
    expect(heard).toHaveLength(1);
    expect(heard[0]).toBeInstanceOf(AuthzConfigError);
    expect(heard[0]).toMatchObject({
      code: "invalid_policy",
      message:
        'Invalid policy "org-member": it has an org rule, but the kit has no account source or the call names no org',
    });
  });

  const bodyOf = async (d: Deny) => {
    const r = denialResponse(d);
    return { status: r.status, headers: [...r.headers], body: await r.text() };
  };

  it("a member passes, and the handler sees the active org and role", async () => {
    const decision = await kit().check(orgMember, request("u-dave"), { org: "globex" });
    expect(decision.allowed).toBe(true);
    if (!decision.allowed) return;
    expectTypeOf(decision.subject.org).toEqualTypeOf<ActiveOrg<"viewer" | "member" | "admin">>();
    expect(decision.subject.org).toEqual({ id: "globex", role: "admin" });
    expect(decision.subject.memberships).toEqual([
      { org: "acme", role: "member" },
      { org: "globex", role: "admin" },
    ]);
  });

  it("one session, two orgs, two roles side by side: the org named by the call decides", async () => {
    const authz = kit();
    const [acme, globex] = await Promise.all([
      authz.check(orgAdmin, request("u-dave"), { org: "acme" }),
      authz.check(orgAdmin, request("u-dave"), { org: "globex" }),
    ]);
    expect(acme).toMatchObject({ allowed: false, status: 403, code: "org_role_required" });
    expect(globex).toMatchObject({ allowed: true, subject: { org: { id: "globex" } } });
  });

  it("a non-member gets the same 404 as for an org that does not exist", async () => {
    const authz = kit();
    const nonMember = await authz.check(orgMember, request("u-vic"), { org: "globex" });
    const unknown = await authz.check(orgMember, request("u-vic"), { org: "initech" });
    const noOrg = await authz.check(orgMember, request("u-vic"), { org: null });
    const noMemberships = await authz.check(orgMember, request("u-none"), { org: "acme" });
    expect(nonMember).toMatchObject({ allowed: false, status: 404, code: "not_found" });
    for (const other of [unknown, noOrg, noMemberships])
      expect(await bodyOf(other as Deny)).toEqual(await bodyOf(nonMember as Deny));
  });

  it("a member without the org role or permission: 403 with the org code", async () => {
    const authz = kit();
    expect(await authz.check(orgAdmin, request("u-dave"), { org: "acme" })).toMatchObject({
      status: 403,
      code: "org_role_required",
      message: "Requires admin role in this organization",
      details: { required_org_role: "admin" },
    });
    expect(await authz.check(orgWriter, request("u-vic"), { org: "acme" })).toMatchObject({
      status: 403,
      code: "org_permission_required",
      details: { required_org_permission: "docs:write" },
    });
    // Inheritance through the org role: a member has viewer's docs:read and its own docs:write.
    expect(await authz.check(orgWriter, request("u-dave"), { org: "acme" })).toMatchObject({
      allowed: true,
    });
  });

  it("anonymous: 401 before the store is asked", async () => {
    let asked = 0;
    const source: AccountSource = { load: async () => (asked++, null) };
    expect(await kit(source).check(orgMember, request(), { org: "acme" })).toMatchObject({
      status: 401,
      code: "unauthenticated",
    });
    expect(asked).toBe(0);
  });

  it("a resource of another org is a 404 through this org's URL, even for a member of both", async () => {
    const authz = kit();
    const doc = { orgId: "acme", ownerId: "u-other" };
    const viaGlobex = await authz.check(orgDocument, request("u-dave"), {
      org: "globex",
      load: async () => doc,
    });
    const missing = await authz.check(orgDocument, request("u-dave"), {
      org: "globex",
      load: async () => null,
    });
    expect(viaGlobex).toMatchObject({ status: 404 });
    expect(await bodyOf(viaGlobex as Deny)).toEqual(await bodyOf(missing as Deny));
  });

  it("owner or org admin: a member who does not own it gets 403 org_role_required", async () => {
    const authz = kit();
    const load = (orgId: string, ownerId: string) => async () => ({ orgId, ownerId });
    expect(
      await authz.check(orgDocument, request("u-dave"), { org: "acme", load: load("acme", "x") }),
    ).toMatchObject({ status: 403, code: "org_role_required" });
    expect(
      await authz.check(orgDocument, request("u-dave"), {
        org: "acme",
        load: load("acme", "u-dave"),
      }),
    ).toMatchObject({ allowed: true });
    expect(
      await authz.check(orgDocument, request("u-dave"), {
        org: "globex",
        load: load("globex", "x"),
      }),
    ).toMatchObject({ allowed: true });
  });

  it("a deleted account is refused 401 on every policy, an org one or not", async () => {
    const accounts = store();
    const authz = kit(accounts);
    const signedIn = access.policy({ name: "signed-in" });
    expect(await authz.check(signedIn, request("u-dave"))).toMatchObject({ allowed: true });
    // dave is globex's only admin: the store keeps him until globex has another.
    await expect(accounts.removeAccount("u-dave")).rejects.toThrow(LastOrgAdminError);
    expect(await authz.check(signedIn, request("u-dave"))).toMatchObject({ allowed: true });
    await accounts.setMembership("globex", "u-none", "admin");
    expect(await accounts.removeAccount("u-dave")).toBe(true);
    expect(await authz.check(signedIn, request("u-dave"))).toMatchObject({
      status: 401,
      code: "session_invalid",
      rule: "account",
    });
    expect(await authz.check(orgMember, request("u-dave"), { org: "acme" })).toMatchObject({
      status: 401,
    });
    // A public policy treats the deleted account as anonymous.
    const open = access.policy({ name: "open", signedIn: false });
    expect(await authz.check(open, request("u-dave"))).toMatchObject({
      allowed: true,
      subject: null,
    });
  });

  it("a store that is down: 503 with Retry-After for a policy that needs the subject, never a pass", async () => {
    const down: AccountSource = {
      load: async () => {
        throw new Error("ECONNREFUSED");
      },
    };
    const authz = kit(down);
    const refused = await authz.check(orgMember, request("u-dave"), { org: "acme" });
    expect(refused).toMatchObject({
      allowed: false,
      status: 503,
      code: "authorization_unavailable",
      headers: { "Retry-After": "5" },
    });
    expect(await authz.check(access.policy({}), request("u-dave"))).toMatchObject({
      status: 503,
    });
    expect(await authz.check(access.policy({ signedIn: false }), request("u-dave"))).toMatchObject({
      allowed: true,
      subject: null,
    });
  });

  it("a source that answers a non-record is an error (503), not an account", async () => {
    const odd = { load: async () => "yes" } as unknown as AccountSource;
    expect(await kit(odd).check(orgMember, request("u-dave"), { org: "acme" })).toMatchObject({
      status: 503,
    });
  });

  it("an org policy without an account source, or a call naming no org, refuses with 500", async () => {
    const noSource = createAuthz({
      session: async () => ({ sub: "u-dave" }),
      onError: () => undefined,
    });
    expect(await noSource.check(orgMember, request("u-dave"), { org: "acme" })).toMatchObject({
      status: 500,
    });
    expect(await kit().check(orgMember, request("u-dave"))).toMatchObject({ status: 500 });
  });
});

describe("decision events name the org decided on", () => {
  it("allow, deny and the non-member 404 each carry the org the call named; anonymous carries none", async () => {
    const decisionLog = createDecisionLog({ onError: () => undefined });
    const authz = createAuthz({
      session: async (r) => {
        const id = r.headers.get("x-test-user");
        return id === null ? null : { sub: id };
      },
      subjects: subjectFreshness({ source: store(), maxAgeMs: 0 }),
      decisionLog,
      onError: () => undefined,
    });
    await authz.check(orgAdmin, request("u-dave"), { org: "globex" }); // allowed
    await authz.check(orgAdmin, request("u-dave"), { org: "acme" }); // 403 org_role_required
    await authz.check(orgMember, request("u-vic"), { org: "globex" }); // 404: not a member
    await authz.check(orgMember, request(), { org: "acme" }); // 401 before the org rule
    await decisionLog.drain();
    const events = [...(await decisionLog.recent(10))].reverse();
    expect(events.map((e) => [e.outcome, e.status, e.subject ?? null, e.org ?? null])).toEqual([
      ["allow", 200, "u-dave", "globex"],
      ["deny", 403, "u-dave", "acme"],
      ["deny", 404, "u-vic", "globex"],
      ["deny", 401, null, null],
    ]);
    expect(decisionSpanAttributes(events[1]!)).toMatchObject({ "authz.org": "acme" });
  });
});
