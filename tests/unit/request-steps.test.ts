/**
 * Each step of the request path on its own (lib/authz/request-steps.ts), with real policies from
 * `defineAccess`, real Requests, the memory rate-limit store and the memory account source. The
 * whole path, in order, is proven by the contract suites and the refusal corpus; here each step's
 * answers are pinned one by one.
 */
import { describe, expect, it } from "vitest";
import {
  AuthzConfigError,
  defineAccess,
  memoryMembershipStore,
  memoryRateLimitStore,
  subjectFreshness,
  type Subject,
} from "@/lib/authz";
import { checkFresh } from "@/lib/authz/decide/credential-policy";
import { deny, type Deny } from "@/lib/authz/decide/decision";
import { newFacts } from "@/lib/authz/decision-log/shadow";
import type { RateLimitStore } from "@/lib/authz/rate-limit/store";
import {
  addressStep,
  claimsStep,
  crossSiteStep,
  orgStep,
  rateLimitStep,
  resourceStep,
  type AuthzStage,
  type StepContext,
} from "@/lib/authz/decide/request-steps";
import type { Authenticated } from "@/lib/authz/session/credential";
import { trustedOriginSet } from "@/lib/authz/http/origin";

const access = defineAccess({
  roles: { member: { permissions: ["docs:read"] }, admin: { inherits: ["member"] } },
  orgRoles: { member: {}, admin: { inherits: ["member"] } },
  plans: { free: { features: [] }, pro: { features: ["export"] } },
});
type D = typeof access.declaration;

const policies = {
  signedIn: access.policy({ name: "signed-in" }),
  open: access.policy({ name: "open", signedIn: false }),
  admin: access.policy({ name: "admin", role: "admin" }),
  fresh: access.policy({ name: "fresh", fresh: "10m" }),
  office: access.policy({ name: "office", ip: { allow: ["10.0.0.0/8"] } }),
  perUser: access.policy({
    name: "per-user",
    rateLimit: { operation: "export", limit: 2, window: "1m" },
  }),
  perAddress: access.policy({
    name: "per-address",
    rateLimit: { operation: "search", limit: 5, window: "1m", by: "ip" },
  }),
  orgMember: access.policy({ name: "org-member", org: { segment: "org" } }),
  orgAdmin: access.policy({ name: "org-admin", org: { segment: "org", role: "admin" } }),
  tenantDoc: access.policy({
    name: "tenant-doc",
    resource: { tenant: "tenantId", conceal: "cross-tenant" },
  }),
};

const SESSION_CHALLENGE = 'Cookie realm="steps"';
const NOW_MS = 1_800_000_000_000;

/** A context as createChecker builds one, with what each test names replaced. */
function context(overrides: Partial<StepContext> = {}) {
  const reported: { error: unknown; stage: AuthzStage; policy: string }[] = [];
  const ctx: StepContext = {
    clientIp: (request) => request.headers.get("x-test-ip"),
    trustedOrigins: trustedOriginSet(["https://admin.example.com"]),
    requestHost: undefined,
    subjects: subjectFreshness({
      source: memoryMembershipStore({ "u-dave": { acme: "member", globex: "admin" } }),
      maxAgeMs: 0,
    }),
    rateLimitStore: memoryRateLimitStore({ now: () => NOW_MS }),
    now: () => NOW_MS,
    report: (error, stage, policy) => void reported.push({ error, stage, policy }),
    unavailable: (rule) =>
      deny("authorization_unavailable", "Service temporarily unavailable; try again shortly", {
        rule,
        headers: { "Retry-After": "5" },
      }),
    withChallenge: (_policy, refusal) =>
      refusal.status === 401
        ? { ...refusal, headers: { ...refusal.headers, "WWW-Authenticate": SESSION_CHALLENGE } }
        : refusal,
    freshRefusal: (policy, auth) =>
      checkFresh(policy.credentials, auth, NOW_MS / 1000, SESSION_CHALLENGE, () => "Bearer"),
    ...overrides,
  };
  return { ctx, reported };
}

const request = (headers: Record<string, string> = {}, method = "GET") =>
  new Request("https://app.example.com/api/thing", { method, headers });

const subject = (over: Partial<Subject<D>> = {}): Subject<D> => ({
  id: "u-dave",
  roles: ["member"],
  tenant: "acme",
  plan: "free",
  ...over,
});

const session = (over: Partial<Authenticated> = {}): Authenticated => ({
  claims: { sub: "u-dave" },
  kind: "user",
  credential: "session",
  source: "test",
  ...over,
});

const isDeny = (value: unknown): value is Deny =>
  typeof value === "object" && value !== null && "allowed" in value;

describe("step 1, address", () => {
  it("reads no address for a policy without an IP rule or a per-address limit", () => {
    let asked = 0;
    const { ctx } = context({ clientIp: () => (asked++, "10.1.2.3") });
    expect(addressStep(ctx, policies.signedIn, request(), undefined)).toBeNull();
    expect(asked).toBe(0);
  });

  it("passes an allowed address on to the next steps and into the facts", () => {
    const { ctx } = context();
    const facts = newFacts<D>();
    expect(addressStep(ctx, policies.office, request({ "x-test-ip": "10.9.8.7" }), facts)).toBe(
      "10.9.8.7",
    );
    expect(facts.ip).toBe("10.9.8.7");
  });

  it("refuses an address outside the list, and one that cannot be known", () => {
    const { ctx } = context();
    const outside = addressStep(
      ctx,
      policies.office,
      request({ "x-test-ip": "192.0.2.1" }),
      undefined,
    );
    const unknown = addressStep(ctx, policies.office, request(), undefined);
    expect(outside).toMatchObject({ status: 403, code: "ip_not_allowed" });
    expect(unknown).toMatchObject({ status: 403, code: "ip_not_allowed" });
  });

  it("reads the address for a per-address rate limit, which has no list to check", () => {
    const { ctx } = context();
    expect(
      addressStep(ctx, policies.perAddress, request({ "x-test-ip": "192.0.2.1" }), undefined),
    ).toBe("192.0.2.1");
  });
});

describe("step 3, cross-site", () => {
  const foreign = { origin: "https://evil.example" };

  it("refuses a signed-in session's unsafe request from another origin", () => {
    const { ctx } = context();
    const read = { subject: subject(), auth: session() };
    expect(crossSiteStep(ctx, policies.signedIn, request(foreign, "POST"), read)).toMatchObject({
      status: 403,
      code: "cross_site_request",
    });
  });

  it("lets through a trusted origin, the same origin and safe methods", () => {
    const { ctx } = context();
    const read = { subject: subject(), auth: session() };
    const trusted = request({ origin: "https://admin.example.com" }, "POST");
    const same = request({ origin: "https://app.example.com", host: "app.example.com" }, "POST");
    expect(crossSiteStep(ctx, policies.signedIn, trusted, read)).toBeNull();
    expect(crossSiteStep(ctx, policies.signedIn, same, read)).toBeNull();
    expect(crossSiteStep(ctx, policies.signedIn, request(foreign, "GET"), read)).toBeNull();
  });

  it("leaves anonymous callers to the claims step (401 before 403) and public policies alone", () => {
    const { ctx } = context();
    const post = request(foreign, "POST");
    expect(crossSiteStep(ctx, policies.signedIn, post, { subject: null })).toBeNull();
    const read = { subject: subject(), auth: session() };
    expect(crossSiteStep(ctx, policies.open, post, read)).toBeNull();
  });

  it("lets a bearer token or an API key call from any origin: no cookie rode along", () => {
    const { ctx } = context();
    for (const credential of ["bearer", "api_key"] as const) {
      const read = { subject: subject(), auth: session({ credential }) };
      expect(crossSiteStep(ctx, policies.signedIn, request(foreign, "POST"), read)).toBeNull();
    }
  });
});

describe("steps 4 and 5, claims and a fresh sign-in", () => {
  it("answers anonymous with a 401 that carries the challenge", () => {
    const { ctx } = context();
    const refused = claimsStep(ctx, policies.signedIn, { subject: null });
    expect(refused).toMatchObject({ status: 401, code: "unauthenticated" });
    expect(refused?.headers["WWW-Authenticate"]).toBe(SESSION_CHALLENGE);
  });

  it("answers a member on an admin policy with the role it lacks, and lets an admin by", () => {
    const { ctx } = context();
    expect(claimsStep(ctx, policies.admin, { subject: subject() })).toMatchObject({
      status: 403,
      code: "role_required",
    });
    expect(claimsStep(ctx, policies.admin, { subject: subject({ roles: ["admin"] }) })).toBeNull();
  });

  it("asks for a fresh sign-in only after the role and plan passed", () => {
    const { ctx } = context();
    const old = { subject: subject(), auth: session({ authTime: NOW_MS / 1000 - 3600 }) };
    const recent = { subject: subject(), auth: session({ authTime: NOW_MS / 1000 - 60 }) };
    expect(claimsStep(ctx, policies.fresh, old)).toMatchObject({
      status: 401,
      code: "reauthentication_required",
    });
    expect(claimsStep(ctx, policies.fresh, recent)).toBeNull();
  });
});

describe("step 6, org", () => {
  const dave = subject({
    memberships: [
      { org: "acme", role: "member" },
      { org: "globex", role: "admin" },
    ],
  });

  it("is skipped by a policy without an org rule", () => {
    const { ctx } = context();
    expect(orgStep(ctx, policies.signedIn, dave, "acme", undefined)).toBeUndefined();
  });

  it("answers the active org and role for a member, and records the org it was named", () => {
    const { ctx } = context();
    const facts = newFacts<D>();
    expect(orgStep(ctx, policies.orgMember, dave, "globex", facts)).toEqual({
      id: "globex",
      role: "admin",
    });
    expect(facts.org).toBe("globex");
  });

  it("refuses a role the member lacks, and conceals orgs the caller is not in", () => {
    const { ctx } = context();
    expect(orgStep(ctx, policies.orgAdmin, dave, "acme", undefined)).toMatchObject({
      status: 403,
      code: "org_role_required",
    });
    const stranger = orgStep(ctx, policies.orgMember, dave, "initech", undefined);
    expect(isDeny(stranger) && stranger.status).toBe(404);
  });

  it("throws a configuration error without an account source or a named org", () => {
    const { ctx } = context({ subjects: undefined });
    expect(() => orgStep(ctx, policies.orgMember, dave, "acme", undefined)).toThrow(
      AuthzConfigError,
    );
    const { ctx: withSource } = context();
    expect(() => orgStep(withSource, policies.orgMember, dave, undefined, undefined)).toThrow(
      AuthzConfigError,
    );
  });
});

describe("step 8, rate limit", () => {
  it("counts nothing for a policy without a limit", async () => {
    const { ctx } = context();
    expect(await rateLimitStep(ctx, policies.signedIn, { subject: subject() }, null)).toEqual({
      headers: {},
    });
  });

  it("counts per user, answers the RateLimit fields, then a 429 with Retry-After", async () => {
    const { ctx } = context();
    const read = { subject: subject() };
    const first = await rateLimitStep(ctx, policies.perUser, read, null);
    expect(isDeny(first)).toBe(false);
    expect(Object.keys((first as { headers: object }).headers)).toEqual(
      expect.arrayContaining(["RateLimit", "RateLimit-Policy"]),
    );
    await rateLimitStep(ctx, policies.perUser, read, null);
    const third = await rateLimitStep(ctx, policies.perUser, read, null);
    expect(third).toMatchObject({ status: 429, code: "rate_limited" });
    expect((third as Deny).headers["Retry-After"]).toMatch(/^\d+$/);
    // Another user has a counter of their own.
    const other = await rateLimitStep(
      ctx,
      policies.perUser,
      { subject: subject({ id: "u-eve" }) },
      null,
    );
    expect(isDeny(other)).toBe(false);
  });

  it("refuses a per-address limit when the address cannot be known: no shared bucket", async () => {
    const { ctx } = context();
    expect(
      await rateLimitStep(ctx, policies.perAddress, { subject: subject() }, null),
    ).toMatchObject({ status: 403, code: "address_unknown" });
  });

  it("answers 503 and reports when the store fails, never a pass", async () => {
    const failing: RateLimitStore = {
      consume: async () => {
        throw new Error("store down");
      },
    };
    const { ctx, reported } = context({ rateLimitStore: failing });
    expect(await rateLimitStep(ctx, policies.perUser, { subject: subject() }, null)).toMatchObject({
      status: 503,
      code: "authorization_unavailable",
    });
    expect(reported).toEqual([
      { error: expect.any(Error), stage: "rateLimit", policy: "per-user" },
    ]);
  });

  it("counts a credential's own limit (an API key's) apart from the policy's", async () => {
    const { ctx } = context();
    const auth = session({
      credential: "api_key",
      rateLimit: { id: "key_1", limit: 1, windowMs: 60_000 },
    });
    const read = { subject: subject(), auth };
    expect(await rateLimitStep(ctx, policies.signedIn, read, null)).toEqual({ headers: {} });
    expect(await rateLimitStep(ctx, policies.signedIn, read, null)).toMatchObject({
      status: 429,
      code: "rate_limited",
      rule: "credentialRateLimit",
    });
  });
});

describe("step 9, resource", () => {
  const doc = { id: "doc-1", tenantId: "acme" };

  it("hands back a resource of the caller's tenant and records it as a fact", async () => {
    const facts = newFacts<D>();
    const outcome = await resourceStep(
      policies.tenantDoc,
      subject(),
      undefined,
      () => doc,
      null,
      facts,
    );
    expect(outcome).toEqual({ found: true, resource: doc });
    expect(facts.resource).toEqual({ value: doc });
  });

  it("conceals another tenant's resource as the policy's 404", async () => {
    const outcome = await resourceStep(
      policies.tenantDoc,
      subject({ tenant: "globex" }),
      undefined,
      () => doc,
      null,
      undefined,
    );
    expect(outcome).toMatchObject({ found: true, byPolicy: true, refusal: { status: 404 } });
  });

  it("answers the kit's 404 for a missing resource, not the policy's", async () => {
    const outcome = await resourceStep(
      policies.tenantDoc,
      subject(),
      undefined,
      () => null,
      null,
      undefined,
    );
    expect(outcome).toMatchObject({ found: false, byPolicy: false, refusal: { status: 404 } });
  });

  it("throws a configuration error for a resource rule with no loader; without a rule, nothing to do", async () => {
    await expect(
      resourceStep(policies.tenantDoc, subject(), undefined, undefined, null, undefined),
    ).rejects.toThrow(AuthzConfigError);
    expect(
      await resourceStep(policies.signedIn, subject(), undefined, undefined, null, undefined),
    ).toEqual({ found: false });
  });
});
