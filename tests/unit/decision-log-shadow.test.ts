import { describe, expect, it } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import { deny, internalError, notFound } from "@/lib/authz/decide/decision";
import {
  newFacts,
  type CheckFacts,
  shadowOf,
  shadowVerdict,
  withShadow,
} from "@/lib/authz/decision-log/shadow";
import type { Subject } from "@/lib/authz/types";
import { expectConfigError } from "../support/config-error";

const declaration = {
  roles: { member: { permissions: ["reports:export"] }, admin: { inherits: ["member"] } },
  plans: { free: { features: [] }, pro: { features: ["export"] } },
} as const;
const access = defineAccess(declaration);
type S = Subject<typeof declaration>;
const bob: S = { id: "user-bob", roles: ["member"], tenant: "acme", plan: "free" };
const alice: S = { id: "user-alice", roles: ["admin"], tenant: "acme", plan: "pro" };

const enforced = access.policy({ name: "export", feature: "export" });
const candidate = access.policy({ name: "export-free", permission: "reports:export" });
const facts = (subject: S | null, extra: Partial<CheckFacts<typeof declaration>> = {}) => ({
  ...newFacts<typeof declaration>(),
  stage: "session" as const,
  subject,
  ...extra,
});

describe("withShadow", () => {
  it("returns a policy that enforces the same rules and carries the candidate", () => {
    const shadowed = withShadow(enforced, candidate);
    expect(shadowed).not.toBe(enforced);
    expect(shadowed.name).toBe("export");
    expect(shadowed.checkSubject(bob)).toEqual(enforced.checkSubject(bob));
    expect(shadowOf(shadowed)).toBe(candidate);
    expect(shadowOf(enforced)).toBeUndefined();
  });

  it("refuses a candidate from another declaration or with the same name", () => {
    const other = defineAccess({ roles: { member: {} } }).policy({ name: "x" });
    expect(() => withShadow(enforced, other as never)).toThrow(TypeError);
    expect(
      expectConfigError(() => withShadow(enforced, other as never), "invalid_shadow_policy")
        .message,
    ).toBe(
      'Invalid withShadow(export): the candidate "x" must come from the same access declaration',
    );
    expect(() => withShadow(enforced, access.policy({ name: "export" }))).toThrow(TypeError);
    expectConfigError(
      () => withShadow(enforced, access.policy({ name: "export" })),
      "invalid_shadow_policy",
    );
  });
});

describe("shadowVerdict", () => {
  it("is null where the two agree", () => {
    expect(shadowVerdict(candidate, facts(alice), null)).toBeNull();
    const anonymous = enforced.checkSubject(null);
    expect(shadowVerdict(candidate, facts(null, { policyRefusal: true }), anonymous)).toBeNull();
  });

  it("records the candidate's allow where the enforced policy refused by its own rule", () => {
    const refusal = enforced.checkSubject(bob)!;
    expect(shadowVerdict(candidate, facts(bob, { policyRefusal: true }), refusal)).toEqual({
      policy: "export-free",
      outcome: "allow",
      status: 200,
    });
  });

  it("records the candidate's refusal where the enforced policy allowed", () => {
    expect(shadowVerdict(enforced, facts(bob), null)).toEqual({
      policy: "export",
      outcome: "deny",
      status: 403,
      code: "plan_required",
      rule: "feature",
    });
  });

  it("shares refusals that are not the policy's: rate limit, validation, not found, errors", () => {
    const rateLimited = deny("rate_limited", "Rate limit exceeded", { rule: "rateLimit" });
    for (const [stage, refusal] of [
      ["rateLimit", rateLimited],
      ["validation", deny("invalid_request", "Bad", { rule: "validation" })],
      ["resource", notFound("resource")],
      ["session", internalError("session")],
    ] as const) {
      expect(shadowVerdict(candidate, facts(alice, { stage }), refusal)).toBeNull();
    }
    // ...unless the candidate refuses earlier, by its own rule.
    expect(shadowVerdict(enforced, facts(bob, { stage: "rateLimit" }), rateLimited)).toMatchObject({
      outcome: "deny",
      code: "plan_required",
    });
  });

  it("re-decides the resource rule on the resource the enforced check loaded", () => {
    const own = access.policy({ name: "own", resource: { owner: "ownerId" } });
    const tenant = access.policy({ name: "tenant", resource: { tenant: "tenantId" } });
    const doc = { value: { ownerId: "user-alice", tenantId: "acme" } };
    const refusal = own.checkResource(bob, doc.value)!;
    expect(
      shadowVerdict(
        tenant,
        facts(bob, { stage: "resource", policyRefusal: true, resource: doc }),
        refusal,
      ),
    ).toEqual({ policy: "tenant", outcome: "allow", status: 200 });
  });

  it("a candidate rule that throws counts as the kit's error refusal, never an allow", () => {
    const tenant = access.policy({ name: "tenant", resource: { tenant: "tenantId" } });
    expect(
      shadowVerdict(tenant, facts(bob, { stage: "resource", resource: { value: {} } }), null),
    ).toMatchObject({ outcome: "deny", status: 500, code: "authorization_error" });
  });
});
