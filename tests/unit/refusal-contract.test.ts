/**
 * The kit's refusal contract, table-driven: every refusal cause (README, "How a request is decided"), each with
 * its exact status, exact body (parsed AND byte-for-byte) and headers, through the real pieces a
 * user wires together: `createAuthz` + `access.policy` + `withAuthorization` / `denialResponse`,
 * real `Request`s and real Auth.js v5 session cookies (encrypted by next-auth's own `encode`, read
 * by the kit's `authJsSession`).
 *
 * The rate-limit store and the kit's clock are deterministic fakes, so no case depends on timing.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_CLAIMS, tamperSessionCookie } from "../support/demo-sessions";
import { defineAccess } from "@/lib/authz/decide/access";
import type { AuthzOptions } from "@/lib/authz/decide/authz";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { notFound } from "@/lib/authz/decide/decision";
import { AuthzConfigError } from "@/lib/authz/errors";
import { clientIpFrom } from "@/lib/authz/ip";
import type { RateLimitStore } from "@/lib/authz/rate-limit/store";
import { DEFAULT_CHALLENGE, denialResponse } from "@/lib/authz/http/respond";
import { authJsSession } from "@/lib/authz/session";
import {
  expectRefusal,
  requestFor,
  routeContext,
  sessionCookie,
  sessionCookieName,
} from "@/lib/authz/testing";
import { configError, expectConfigError } from "../support/config-error";

const SECRET = "refusal-contract-test-secret-0123456789abcdef";
const OTHER_SECRET = "some-other-deployment-secret-fedcba987654";
/** The kit's clock and the fake store's clock: fixed, advanced only by a test. */
const T0 = 1_800_000_000_000;

// ---------------------------------------------------------------------------------------------
// The declaration under test: the demo's shape (the README's demo users) plus an `auditor` role that is not in
// the admin hierarchy, so role lists and permission-without-role cases have something to refuse.
// ---------------------------------------------------------------------------------------------
const access = defineAccess({
  roles: {
    member: { permissions: ["documents:read", "documents:delete-own"] },
    auditor: { permissions: ["audit:read"] },
    admin: { inherits: ["member"], permissions: ["users:delete"] },
  },
  plans: { free: { features: [], label: "free" }, pro: { features: ["export"], label: "pro" } },
  upgradeUrl: "/pricing",
});

const ALLOW_NET = "10.0.0.0/8";
const rateLimit = { operation: "reports.export", limit: 3, window: "1m" } as const;

const policies = {
  signedIn: access.policy({ name: "signed-in" }),
  public: access.policy({ name: "public", signedIn: false }),
  admin: access.policy({ name: "admin", role: "admin" }),
  member: access.policy({ name: "member", role: "member" }),
  adminOrAuditor: access.policy({ name: "admin-or-auditor", role: ["admin", "auditor"] }),
  deleteUsers: access.policy({ name: "delete-users", permission: "users:delete" }),
  readAndAudit: access.policy({
    name: "read-and-audit",
    permission: ["documents:read", "audit:read"],
  }),
  export: access.policy({ name: "export", feature: "export" }),
  adminExport: access.policy({ name: "admin-export", role: "admin", feature: "export" }),
  ipAllow: access.policy({ name: "ip-allow", signedIn: false, ip: { allow: [ALLOW_NET] } }),
  ipDeny: access.policy({
    name: "ip-deny",
    signedIn: false,
    ip: { deny: ["203.0.113.0/24"], unknownAddress: "allow" },
  }),
  ipAdmin: access.policy({ name: "ip-admin", role: "admin", ip: { allow: [ALLOW_NET] } }),
  rate: access.policy({ name: "rate", rateLimit }),
  rate403: access.policy({ name: "rate-403", rateLimit: { ...rateLimit, status: 403 } }),
  rateByIp: access.policy({
    name: "rate-by-ip",
    signedIn: false,
    rateLimit: { ...rateLimit, by: "ip" },
  }),
  exportRate: access.policy({ name: "export-rate", feature: "export", rateLimit }),
  readDoc: access.policy({
    name: "read-doc",
    permission: "documents:read",
    resource: { tenant: "tenantId", conceal: "cross-tenant" },
  }),
  deleteDoc: access.policy({
    name: "delete-doc",
    permission: "documents:delete-own",
    resource: {
      tenant: "tenantId",
      owner: "ownerId",
      ownerOverride: "admin",
      conceal: "cross-tenant",
    },
  }),
  ownerNoConceal: access.policy({
    name: "owner-no-conceal",
    resource: { tenant: "tenantId", owner: "ownerId", conceal: "none" },
  }),
  ownerConcealAll: access.policy({
    name: "owner-conceal-all",
    resource: { tenant: "tenantId", owner: "ownerId", conceal: "all" },
  }),
  // Every check at once, to prove the order IP → session → role → permission → feature → rate limit → resource.
  everything: access.policy({
    name: "everything",
    role: ["member", "auditor"],
    permission: "documents:read",
    feature: "export",
    ip: { allow: [ALLOW_NET] },
    rateLimit: { operation: "everything", limit: 1, window: "1m" },
    resource: { tenant: "tenantId", conceal: "cross-tenant" },
  }),
};
type PolicyName = keyof typeof policies;

interface Doc {
  readonly id: string;
  readonly tenantId: string;
  readonly ownerId: string;
}
const documents: Readonly<Record<string, Doc>> = {
  "doc-acme-1": { id: "doc-acme-1", tenantId: "acme", ownerId: "user-bob" },
  "doc-acme-2": { id: "doc-acme-2", tenantId: "acme", ownerId: "user-alice" },
  "doc-globex-1": { id: "doc-globex-1", tenantId: "globex", ownerId: "user-carol" },
};

// ---------------------------------------------------------------------------------------------
// Who asks: the demo users, a few test-only subjects for conflicting rules, and bad cookies.
// ---------------------------------------------------------------------------------------------
const claims = {
  ...DEMO_CLAIMS,
  // An admin on the free plan: role passes, feature fails (conflicting rules).
  dave: { sub: "user-dave", role: "admin", tenant: "acme", plan: "free" },
  // An auditor: passes a member-or-auditor role rule but lacks documents:read.
  erin: { sub: "user-erin", role: "auditor", tenant: "acme", plan: "pro" },
  // Signed in with no role at all: a valid session that every role rule refuses.
  frank: { sub: "user-frank", tenant: "acme", plan: "pro" },
  // Claims that do not fit the declaration: an authentic cookie the kit must not trust.
  unknownRole: { sub: "user-mallory", role: "superuser", tenant: "acme", plan: "pro" },
  unknownPlan: { sub: "user-mallory", role: "member", tenant: "acme", plan: "enterprise" },
  noSubject: { sub: "", role: "admin", tenant: "acme", plan: "pro" },
} as const;
type Who =
  "anonymous" | keyof typeof claims | "tampered" | "expired" | "wrongSecret" | "secureNameOverHttp";
const cookies = {} as Record<Who, string | undefined>;

beforeAll(async () => {
  cookies.anonymous = undefined;
  for (const [who, c] of Object.entries(claims))
    cookies[who as keyof typeof claims] = await sessionCookie(c, { secret: SECRET });
  cookies.tampered = tamperSessionCookie(cookies.alice!);
  cookies.expired = await sessionCookie(claims.alice, { secret: SECRET, maxAge: -3600 });
  cookies.wrongSecret = await sessionCookie(claims.alice, { secret: OTHER_SECRET });
  // A valid HTTPS cookie sent over plain HTTP: Auth.js would not read it either, so anonymous.
  cookies.secureNameOverHttp = await sessionCookie(claims.alice, { secret: SECRET, secure: true });
});

// ---------------------------------------------------------------------------------------------
// The kit under test, fresh per case: its own store, clock and error log.
// ---------------------------------------------------------------------------------------------

/** A fixed-window counter on the test's clock: what any real store must answer, minus the timing. */
function countingStore(clock: () => number): RateLimitStore {
  const windows = new Map<string, { count: number; reset: number }>();
  return {
    async consume(key, { limit, windowMs }) {
      const t = clock();
      let w = windows.get(key);
      if (!w || t >= w.reset) {
        w = { count: 0, reset: t + windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      return {
        success: w.count <= limit,
        limit,
        remaining: Math.max(0, limit - w.count),
        reset: w.reset,
      };
    },
  };
}

function makeKit(overrides: Partial<AuthzOptions> = {}) {
  const clock = { now: T0 };
  const errors: { error: unknown; stage: string; policy: string }[] = [];
  const authz = createAuthz({
    session: authJsSession({ secret: SECRET }),
    // One trusted proxy in front: the rightmost X-Forwarded-For entry is the client; none → unknown.
    clientIp: clientIpFrom({ kind: "hops", hops: 1 }),
    rateLimitStore: countingStore(() => clock.now),
    now: () => clock.now,
    onError: (error, context) => errors.push({ error, ...context }),
    ...overrides,
  });
  return { authz, clock, errors };
}

type Kit = ReturnType<typeof makeKit>;

/** The guarded handler every case calls: it answers 200 with what the kit handed it. */
function guarded(kit: Kit, name: PolicyName, handlerRan?: () => void) {
  const policy = policies[name];
  const respond = async (
    _request: Request,
    ctx: { subject: { id: string } | null; resource: unknown },
  ) => {
    handlerRan?.();
    return Response.json({
      ok: true,
      subject: ctx.subject?.id ?? null,
      resource: (ctx.resource as Doc | undefined)?.id ?? null,
    });
  };
  if ("resource" in policy.rules) {
    return kit.authz.withAuthorization(
      policy as typeof policies.readDoc,
      { load: ({ params }) => documents[String(params.id)] ?? null },
      respond,
    );
  }
  return kit.authz.withAuthorization(policy as typeof policies.public, respond);
}

interface Call {
  readonly who?: Who;
  /** The X-Forwarded-For the trusted proxy wrote; absent means the address is unknown. */
  readonly ip?: string;
  readonly accept?: string;
  readonly doc?: string;
}

function call(kit: Kit, name: PolicyName, c: Call, handlerRan?: () => void): Promise<Response> {
  const headers: Record<string, string> = {};
  if (c.ip !== undefined) headers["x-forwarded-for"] = c.ip;
  if (c.accept !== undefined) headers.accept = c.accept;
  const cookie = cookies[c.who ?? "anonymous"];
  const request = requestFor(c.doc ? `/api/documents/${c.doc}` : "/api/test", { cookie, headers });
  return guarded(kit, name, handlerRan)(request, routeContext(c.doc ? { id: c.doc } : {}));
}

// ---------------------------------------------------------------------------------------------
// Expected bodies, written in the kit's key order so JSON.stringify gives the exact bytes.
// ---------------------------------------------------------------------------------------------
const body = {
  unauthenticated: {
    error: "Unauthorized",
    message: "Authentication required",
    code: "unauthenticated",
  },
  sessionInvalid: {
    error: "Unauthorized",
    message: "Session is not valid; sign in again",
    code: "session_invalid",
  },
  admin: {
    error: "Forbidden",
    message: "Requires admin role",
    code: "role_required",
    required_role: "admin",
  },
  member: {
    error: "Forbidden",
    message: "Requires member role",
    code: "role_required",
    required_role: "member",
  },
  adminOrAuditor: {
    error: "Forbidden",
    message: "Requires admin or auditor role",
    code: "role_required",
    required_role: "admin or auditor",
  },
  memberOrAuditor: {
    error: "Forbidden",
    message: "Requires member or auditor role",
    code: "role_required",
    required_role: "member or auditor",
  },
  permission: (p: string) => ({
    error: "Forbidden",
    message: `Requires ${p} permission`,
    code: "permission_required",
    required_permission: p,
  }),
  plan: {
    error: "Forbidden",
    message: "Requires pro plan",
    code: "plan_required",
    feature: "export",
    required_plan: "pro",
    upgrade_url: "/pricing",
  },
  ip: { error: "Forbidden", message: "IP address not allowed", code: "ip_not_allowed" },
  rateLimited: (error: string) => ({
    error,
    message: "Rate limit exceeded: at most 3 requests per 60 seconds",
    code: "rate_limited",
    limit: 3,
    retry_after: 60,
  }),
  notFound: { error: "Not Found", message: "Resource not found", code: "not_found" },
  owner: { error: "Forbidden", message: "Requires resource owner", code: "owner_required" },
  tenant: { error: "Forbidden", message: "Requires same tenant", code: "tenant_mismatch" },
} as const;

const ok = (subject: string | null, resource: string | null = null) => ({
  ok: true,
  subject,
  resource,
});

const RATE_HEADERS_AT_LIMIT = {
  "retry-after": "60",
  "ratelimit-policy": '"reports.export";q=3;w=60',
  ratelimit: '"reports.export";r=0;t=60',
};

interface Case extends Call {
  readonly name: string;
  readonly policy: PolicyName;
  /** Calls made first by the same client, each expected to succeed (rate-limit cases). */
  readonly before?: number;
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  /** Headers that must be present with exactly these values (lower-case names). */
  readonly headers?: Readonly<Record<string, string>>;
}

const cases: readonly Case[] = [
  // --- Session: anonymous, each demo user, bad cookies -----------------------------------------
  {
    name: "anonymous → 401",
    policy: "signedIn",
    who: "anonymous",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "alice signed in → 200",
    policy: "signedIn",
    who: "alice",
    status: 200,
    body: ok("user-alice"),
  },
  {
    name: "bob signed in → 200",
    policy: "signedIn",
    who: "bob",
    status: 200,
    body: ok("user-bob"),
  },
  {
    name: "carol signed in → 200",
    policy: "signedIn",
    who: "carol",
    status: 200,
    body: ok("user-carol"),
  },
  {
    name: "signed in without any role → 200 (signedIn asks no role)",
    policy: "signedIn",
    who: "frank",
    status: 200,
    body: ok("user-frank"),
  },
  {
    name: "tampered cookie → 401 as anonymous",
    policy: "signedIn",
    who: "tampered",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "expired cookie → 401",
    policy: "signedIn",
    who: "expired",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "cookie sealed with another secret → 401",
    policy: "signedIn",
    who: "wrongSecret",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "__Secure- cookie over plain HTTP → 401",
    policy: "signedIn",
    who: "secureNameOverHttp",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "authentic cookie, undeclared role → 401 session_invalid",
    policy: "signedIn",
    who: "unknownRole",
    status: 401,
    body: body.sessionInvalid,
  },
  {
    name: "authentic cookie, undeclared plan → 401 session_invalid",
    policy: "signedIn",
    who: "unknownPlan",
    status: 401,
    body: body.sessionInvalid,
  },
  {
    name: "authentic cookie, empty subject → 401 session_invalid",
    policy: "signedIn",
    who: "noSubject",
    status: 401,
    body: body.sessionInvalid,
  },
  {
    name: "public policy, anonymous → 200",
    policy: "public",
    who: "anonymous",
    status: 200,
    body: ok(null),
  },
  {
    name: "public policy, alice → 200 with her subject",
    policy: "public",
    who: "alice",
    status: 200,
    body: ok("user-alice"),
  },
  {
    name: "public policy, tampered cookie → 200 anonymous",
    policy: "public",
    who: "tampered",
    status: 200,
    body: ok(null),
  },
  {
    name: "public policy, undeclared role → 200 anonymous, never a subject",
    policy: "public",
    who: "unknownRole",
    status: 200,
    body: ok(null),
  },

  // --- Roles and hierarchy ---------------------------------------------------------------------
  {
    name: "admin policy, anonymous → 401 (session before role)",
    policy: "admin",
    who: "anonymous",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "admin policy, alice → 200",
    policy: "admin",
    who: "alice",
    status: 200,
    body: ok("user-alice"),
  },
  {
    name: "admin policy, bob → 403 seed body",
    policy: "admin",
    who: "bob",
    status: 403,
    body: body.admin,
  },
  {
    name: "admin policy, carol → 403",
    policy: "admin",
    who: "carol",
    status: 403,
    body: body.admin,
  },
  {
    name: "admin policy, no role → 403",
    policy: "admin",
    who: "frank",
    status: 403,
    body: body.admin,
  },
  {
    name: "admin policy, expired admin cookie → 401",
    policy: "admin",
    who: "expired",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "admin policy, undeclared role → 401 session_invalid, not 403",
    policy: "admin",
    who: "unknownRole",
    status: 401,
    body: body.sessionInvalid,
  },
  {
    name: "member policy, alice (admin inherits member) → 200",
    policy: "member",
    who: "alice",
    status: 200,
    body: ok("user-alice"),
  },
  {
    name: "member policy, bob → 200",
    policy: "member",
    who: "bob",
    status: 200,
    body: ok("user-bob"),
  },
  {
    name: "member policy, auditor (outside the hierarchy) → 403",
    policy: "member",
    who: "erin",
    status: 403,
    body: body.member,
  },
  {
    name: "admin-or-auditor, alice → 200",
    policy: "adminOrAuditor",
    who: "alice",
    status: 200,
    body: ok("user-alice"),
  },
  {
    name: "admin-or-auditor, erin → 200",
    policy: "adminOrAuditor",
    who: "erin",
    status: 200,
    body: ok("user-erin"),
  },
  {
    name: "admin-or-auditor, bob → 403 naming both",
    policy: "adminOrAuditor",
    who: "bob",
    status: 403,
    body: body.adminOrAuditor,
  },

  // --- Permissions -----------------------------------------------------------------------------
  {
    name: "users:delete, alice → 200",
    policy: "deleteUsers",
    who: "alice",
    status: 200,
    body: ok("user-alice"),
  },
  {
    name: "users:delete, bob → 403",
    policy: "deleteUsers",
    who: "bob",
    status: 403,
    body: body.permission("users:delete"),
  },
  {
    name: "users:delete, anonymous → 401",
    policy: "deleteUsers",
    who: "anonymous",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "all of two permissions, bob has one → 403 naming the missing one",
    policy: "readAndAudit",
    who: "bob",
    status: 403,
    body: body.permission("audit:read"),
  },
  {
    name: "all of two permissions, erin has the other → 403 naming the first missing",
    policy: "readAndAudit",
    who: "erin",
    status: 403,
    body: body.permission("documents:read"),
  },
  {
    name: "all of two permissions, alice lacks audit:read (admin does not inherit auditor) → 403",
    policy: "readAndAudit",
    who: "alice",
    status: 403,
    body: body.permission("audit:read"),
  },

  // --- Plan features, upgrade hint -------------------------------------------------------------
  {
    name: "export feature, alice (pro) → 200",
    policy: "export",
    who: "alice",
    status: 200,
    body: ok("user-alice"),
  },
  {
    name: "export feature, carol (pro) → 200",
    policy: "export",
    who: "carol",
    status: 200,
    body: ok("user-carol"),
  },
  {
    name: "export feature, bob (free) → 403 with upgrade hint",
    policy: "export",
    who: "bob",
    status: 403,
    body: body.plan,
  },
  {
    name: "export feature, anonymous → 401",
    policy: "export",
    who: "anonymous",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "role ok but feature missing (admin on free) → 403 plan",
    policy: "adminExport",
    who: "dave",
    status: 403,
    body: body.plan,
  },
  {
    name: "feature ok but role missing (carol) → 403 role, role before feature",
    policy: "adminExport",
    who: "carol",
    status: 403,
    body: body.admin,
  },
  {
    name: "role and feature both missing (bob) → the role refusal",
    policy: "adminExport",
    who: "bob",
    status: 403,
    body: body.admin,
  },

  // --- Client address --------------------------------------------------------------------------
  {
    name: "ip allow list, inside → 200",
    policy: "ipAllow",
    ip: "10.1.2.3",
    status: 200,
    body: ok(null),
  },
  {
    name: "ip allow list, outside → 403",
    policy: "ipAllow",
    ip: "203.0.113.9",
    status: 403,
    body: body.ip,
  },
  { name: "ip allow list, unknown address → 403", policy: "ipAllow", status: 403, body: body.ip },
  {
    name: "ip allow list, unparsable address → 403",
    policy: "ipAllow",
    ip: "not-an-ip",
    status: 403,
    body: body.ip,
  },
  {
    name: "ip allow list, spoofed leftmost entry ignored → 403",
    policy: "ipAllow",
    ip: "10.1.2.3, 203.0.113.9",
    status: 403,
    body: body.ip,
  },
  {
    name: "ip allow list, IPv4-mapped IPv6 inside → 200",
    policy: "ipAllow",
    ip: "::ffff:10.9.9.9",
    status: 200,
    body: ok(null),
  },
  {
    name: "ip allow list, signed-in admin outside → 403 whoever asks",
    policy: "ipAllow",
    who: "alice",
    ip: "203.0.113.9",
    status: 403,
    body: body.ip,
  },
  {
    name: "ip deny list, listed → 403",
    policy: "ipDeny",
    ip: "203.0.113.77",
    status: 403,
    body: body.ip,
  },
  {
    name: "ip deny list, not listed → 200",
    policy: "ipDeny",
    ip: "198.51.100.1",
    status: 200,
    body: ok(null),
  },
  {
    name: "ip deny list with unknownAddress allow, unknown → 200",
    policy: "ipDeny",
    status: 200,
    body: ok(null),
  },
  {
    name: "ip + admin, anonymous outside → 403 not 401 (IP before session)",
    policy: "ipAdmin",
    who: "anonymous",
    ip: "203.0.113.9",
    status: 403,
    body: body.ip,
  },
  {
    name: "ip + admin, tampered cookie outside → 403 (IP before session)",
    policy: "ipAdmin",
    who: "tampered",
    ip: "203.0.113.9",
    status: 403,
    body: body.ip,
  },
  {
    name: "ip + admin, alice outside → 403",
    policy: "ipAdmin",
    who: "alice",
    ip: "203.0.113.9",
    status: 403,
    body: body.ip,
  },
  {
    name: "ip + admin, anonymous inside → 401",
    policy: "ipAdmin",
    who: "anonymous",
    ip: "10.0.0.1",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "ip + admin, bob inside → 403 role",
    policy: "ipAdmin",
    who: "bob",
    ip: "10.0.0.1",
    status: 403,
    body: body.admin,
  },
  {
    name: "ip + admin, alice inside → 200",
    policy: "ipAdmin",
    who: "alice",
    ip: "10.0.0.1",
    status: 200,
    body: ok("user-alice"),
  },

  // --- Rate limits -----------------------------------------------------------------------------
  {
    name: "rate limit, first call → 200 with RateLimit fields",
    policy: "rate",
    who: "bob",
    status: 200,
    body: ok("user-bob"),
    headers: {
      "ratelimit-policy": '"reports.export";q=3;w=60',
      ratelimit: '"reports.export";r=2;t=60',
    },
  },
  {
    name: "rate limit, 3rd call → 200, none remaining",
    policy: "rate",
    who: "bob",
    before: 2,
    status: 200,
    body: ok("user-bob"),
    headers: { ratelimit: '"reports.export";r=0;t=60' },
  },
  {
    name: "rate limit, 4th call → 429",
    policy: "rate",
    who: "bob",
    before: 3,
    status: 429,
    body: body.rateLimited("Too Many Requests"),
    headers: RATE_HEADERS_AT_LIMIT,
  },
  {
    name: "rate limit, 4th call, 403 variant → 403 rate_limited",
    policy: "rate403",
    who: "bob",
    before: 3,
    status: 403,
    body: body.rateLimited("Forbidden"),
    headers: RATE_HEADERS_AT_LIMIT,
  },
  {
    name: "rate limit per address, 4th call → 429",
    policy: "rateByIp",
    ip: "198.51.100.7",
    before: 3,
    status: 429,
    body: body.rateLimited("Too Many Requests"),
    headers: RATE_HEADERS_AT_LIMIT,
  },
  {
    name: "rate limit, anonymous → 401, nothing counted",
    policy: "rate",
    who: "anonymous",
    before: 0,
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "feature + rate limit, bob (free) → 403 plan, feature before rate limit",
    policy: "exportRate",
    who: "bob",
    status: 403,
    body: body.plan,
  },

  // --- Resources: tenant, owner, concealment ---------------------------------------------------
  {
    name: "read doc, same tenant → 200",
    policy: "readDoc",
    who: "bob",
    doc: "doc-acme-2",
    status: 200,
    body: ok("user-bob", "doc-acme-2"),
  },
  {
    name: "read doc, other tenant → 404 concealed",
    policy: "readDoc",
    who: "bob",
    doc: "doc-globex-1",
    status: 404,
    body: body.notFound,
  },
  {
    name: "read doc, missing → 404",
    policy: "readDoc",
    who: "bob",
    doc: "doc-nope",
    status: 404,
    body: body.notFound,
  },
  {
    name: "read doc, anonymous → 401 before any load",
    policy: "readDoc",
    who: "anonymous",
    doc: "doc-acme-1",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "read doc, anonymous on a missing doc → 401 too (no existence oracle)",
    policy: "readDoc",
    who: "anonymous",
    doc: "doc-nope",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "delete doc, owner (bob, doc-acme-1) → 200",
    policy: "deleteDoc",
    who: "bob",
    doc: "doc-acme-1",
    status: 200,
    body: ok("user-bob", "doc-acme-1"),
  },
  {
    name: "delete doc, same tenant non-owner (bob, doc-acme-2) → 403 owner",
    policy: "deleteDoc",
    who: "bob",
    doc: "doc-acme-2",
    status: 403,
    body: body.owner,
  },
  {
    name: "delete doc, tenant admin non-owner (alice, doc-acme-1) → 200",
    policy: "deleteDoc",
    who: "alice",
    doc: "doc-acme-1",
    status: 200,
    body: ok("user-alice", "doc-acme-1"),
  },
  {
    name: "delete doc, admin of another tenant (alice, doc-globex-1) → 404",
    policy: "deleteDoc",
    who: "alice",
    doc: "doc-globex-1",
    status: 404,
    body: body.notFound,
  },
  {
    name: "delete doc, other tenant (carol, doc-acme-1) → 404",
    policy: "deleteDoc",
    who: "carol",
    doc: "doc-acme-1",
    status: 404,
    body: body.notFound,
  },
  {
    name: "owner rule without concealment, other tenant → 403 tenant",
    policy: "ownerNoConceal",
    who: "carol",
    doc: "doc-acme-1",
    status: 403,
    body: body.tenant,
  },
  {
    name: "owner rule without concealment, non-owner → 403 owner",
    policy: "ownerNoConceal",
    who: "alice",
    doc: "doc-acme-1",
    status: 403,
    body: body.owner,
  },
  {
    name: "conceal all, same tenant non-owner → 404",
    policy: "ownerConcealAll",
    who: "alice",
    doc: "doc-acme-1",
    status: 404,
    body: body.notFound,
  },
  {
    name: "conceal all, owner → 200",
    policy: "ownerConcealAll",
    who: "bob",
    doc: "doc-acme-1",
    status: 200,
    body: ok("user-bob", "doc-acme-1"),
  },

  // --- Every rule at once: the first failing check in order decides ----------------------------
  {
    name: "order 1: IP refused before everything",
    policy: "everything",
    who: "anonymous",
    ip: "203.0.113.9",
    doc: "doc-globex-1",
    status: 403,
    body: body.ip,
  },
  {
    name: "order 2: session after IP",
    policy: "everything",
    who: "expired",
    ip: "10.0.0.1",
    doc: "doc-globex-1",
    status: 401,
    body: body.unauthenticated,
  },
  {
    name: "order 3: role after session",
    policy: "everything",
    who: "frank",
    ip: "10.0.0.1",
    doc: "doc-globex-1",
    status: 403,
    body: body.memberOrAuditor,
  },
  {
    name: "order 4: permission after role",
    policy: "everything",
    who: "erin",
    ip: "10.0.0.1",
    doc: "doc-globex-1",
    status: 403,
    body: body.permission("documents:read"),
  },
  {
    name: "order 5: feature after permission",
    policy: "everything",
    who: "bob",
    ip: "10.0.0.1",
    doc: "doc-globex-1",
    status: 403,
    body: body.plan,
  },
  {
    name: "order 6: rate limit before resource",
    policy: "everything",
    who: "carol",
    ip: "10.0.0.1",
    doc: "doc-globex-1",
    before: 1,
    status: 429,
    body: {
      error: "Too Many Requests",
      message: "Rate limit exceeded: at most 1 request per 60 seconds",
      code: "rate_limited",
      limit: 1,
      retry_after: 60,
    },
    headers: {
      "retry-after": "60",
      "ratelimit-policy": '"everything";q=1;w=60',
      ratelimit: '"everything";r=0;t=60',
    },
  },
  {
    name: "order 7: resource last",
    policy: "everything",
    who: "alice",
    ip: "10.0.0.1",
    doc: "doc-globex-1",
    status: 404,
    body: body.notFound,
  },
  {
    name: "order: all pass → 200",
    policy: "everything",
    who: "alice",
    ip: "10.0.0.1",
    doc: "doc-acme-1",
    status: 200,
    body: ok("user-alice", "doc-acme-1"),
    headers: { ratelimit: '"everything";r=0;t=60' },
  },

  // --- problem+json on request: same status, RFC 9457 fields ------------------------------------
  {
    name: "problem+json, bob on admin → 403 problem",
    policy: "admin",
    who: "bob",
    accept: "application/problem+json",
    status: 403,
    body: {
      type: "tag:next-authz-kit,2026:role_required",
      title: "Forbidden",
      status: 403,
      detail: "Requires admin role",
      code: "role_required",
      required_role: "admin",
    },
  },
  {
    name: "problem+json, anonymous → 401 problem",
    policy: "signedIn",
    accept: "application/problem+json, application/json;q=0.5",
    status: 401,
    body: {
      type: "tag:next-authz-kit,2026:unauthenticated",
      title: "Unauthorized",
      status: 401,
      detail: "Authentication required",
      code: "unauthenticated",
    },
  },
  {
    name: "problem+json, plan refusal keeps the upgrade hint",
    policy: "export",
    who: "bob",
    accept: "application/problem+json",
    status: 403,
    body: {
      type: "tag:next-authz-kit,2026:plan_required",
      title: "Forbidden",
      status: 403,
      detail: "Requires pro plan",
      code: "plan_required",
      feature: "export",
      required_plan: "pro",
      upgrade_url: "/pricing",
    },
  },
  {
    name: "problem+json, 429 keeps Retry-After and RateLimit",
    policy: "rate",
    who: "bob",
    before: 3,
    accept: "application/problem+json",
    status: 429,
    body: {
      type: "tag:next-authz-kit,2026:rate_limited",
      title: "Too Many Requests",
      status: 429,
      detail: "Rate limit exceeded: at most 3 requests per 60 seconds",
      code: "rate_limited",
      limit: 3,
      retry_after: 60,
    },
    headers: RATE_HEADERS_AT_LIMIT,
  },
  {
    name: "problem+json, concealed 404 is a problem too",
    policy: "readDoc",
    who: "carol",
    doc: "doc-acme-1",
    accept: "application/problem+json",
    status: 404,
    body: {
      type: "tag:next-authz-kit,2026:not_found",
      title: "Not Found",
      status: 404,
      detail: "Resource not found",
      code: "not_found",
    },
  },
  {
    name: "Accept: application/json ranked above problem+json → plain JSON",
    policy: "admin",
    who: "bob",
    accept: "application/json, application/problem+json;q=0.9",
    status: 403,
    body: body.admin,
  },
];

describe("policy matrix: status, body and headers of every cause", () => {
  it.each(cases)("$name", async (c) => {
    const kit = makeKit();
    for (let i = 0; i < (c.before ?? 0); i++) {
      const previous = await call(kit, c.policy, c);
      expect(previous.status, `call ${i + 1} before the limit`).toBe(200);
    }
    let ran = false;
    const response = await call(kit, c.policy, c, () => (ran = true));
    const text = await response.clone().text();

    expect(response.status).toBe(c.status);
    expect(JSON.parse(text)).toEqual(c.body);
    // Exact bytes: key order and values, not only structure.
    expect(text).toBe(JSON.stringify(c.body));
    for (const [name, value] of Object.entries(c.headers ?? {}))
      expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get("set-cookie")).toBeNull();

    if (c.status === 200) {
      expect(ran).toBe(true);
      expect(response.headers.get("content-type")).toBe("application/json");
      return;
    }

    // Refusals: the handler never ran, and the refusal contract's headers are there.
    expect(ran).toBe(false);
    const problem = c.body.type !== undefined;
    expect(response.headers.get("content-type")).toBe(
      problem ? "application/problem+json" : "application/json",
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("www-authenticate")).toBe(
      c.status === 401 ? DEFAULT_CHALLENGE : null,
    );
    if (c.body.code !== "rate_limited") {
      // Only rate-limit refusals (and 503) tell the client to come back later.
      expect(response.headers.get("retry-after")).toBeNull();
      expect(response.headers.get("ratelimit")).toBeNull();
    }
    if (!problem) {
      // The kit's own assertion helper agrees with the matrix (it is what users' tests call).
      await expectRefusal(response, {
        status: c.status,
        code: String(c.body.code),
        message: String(c.body.message),
      });
    }
    // Nothing a refusal says leaks which session or which secret was involved.
    expect(text).not.toMatch(/user-|alice|acme|globex|secret|stack/i);
  });

  it("the seed's admin refusal is exactly these bytes", async () => {
    const response = await call(makeKit(), "admin", { who: "bob" });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe(
      '{"error":"Forbidden","message":"Requires admin role","code":"role_required","required_role":"admin"}',
    );
  });

  it("lists every response header of a 401 and a 429 (nothing else slips in)", async () => {
    const unauthorized = await call(makeKit(), "admin", { who: "anonymous" });
    expect(Object.fromEntries(unauthorized.headers)).toEqual({
      "cache-control": "no-store",
      "content-type": "application/json",
      "www-authenticate": DEFAULT_CHALLENGE,
    });
    const kit = makeKit();
    for (let i = 0; i < 3; i++) await call(kit, "rate", { who: "alice" });
    const limited = await call(kit, "rate", { who: "alice" });
    expect(Object.fromEntries(limited.headers)).toEqual({
      "cache-control": "no-store",
      "content-type": "application/json",
      "retry-after": "60",
      "ratelimit-policy": '"reports.export";q=3;w=60',
      ratelimit: '"reports.export";r=0;t=60',
    });
  });

  it("withAuthorization and check + denialResponse give the same bytes for the same refusal", async () => {
    const kit = makeKit();
    for (const [name, who] of [
      ["admin", "bob"],
      ["signedIn", "anonymous"],
      ["export", "bob"],
      ["ipAllow", "alice"],
    ] as const) {
      const wrapped = await call(kit, name, { who });
      const request = requestFor("/api/test", { cookie: cookies[who] });
      const decision = await kit.authz.check(
        policies[name] as unknown as typeof policies.public,
        request,
      );
      expect(decision.allowed).toBe(false);
      if (decision.allowed) continue;
      const direct = denialResponse(decision, request);
      expect(direct.status).toBe(wrapped.status);
      expect([...direct.headers]).toEqual([...wrapped.headers]);
      expect(await direct.text()).toBe(await wrapped.text());
    }
  });
});

describe("rate limits count per client and per window", () => {
  it("counts per user: bob at his limit does not limit alice", async () => {
    const kit = makeKit();
    for (let i = 0; i < 3; i++) expect((await call(kit, "rate", { who: "bob" })).status).toBe(200);
    expect((await call(kit, "rate", { who: "bob" })).status).toBe(429);
    expect((await call(kit, "rate", { who: "alice" })).status).toBe(200);
  });

  it("counts per address: another address has its own budget", async () => {
    const kit = makeKit();
    for (let i = 0; i < 3; i++)
      expect((await call(kit, "rateByIp", { ip: "198.51.100.7" })).status).toBe(200);
    expect((await call(kit, "rateByIp", { ip: "198.51.100.7" })).status).toBe(429);
    expect((await call(kit, "rateByIp", { ip: "198.51.100.8" })).status).toBe(200);
  });

  it("Retry-After counts down with the kit's clock and the window opens again after it", async () => {
    const kit = makeKit();
    for (let i = 0; i < 3; i++) await call(kit, "rate", { who: "bob" });
    kit.clock.now = T0 + 45_500;
    const limited = await call(kit, "rate", { who: "bob" });
    expect(limited.status).toBe(429);
    // 14.5 s left: Retry-After rounds up so the client never comes back early.
    expect(limited.headers.get("retry-after")).toBe("15");
    expect(limited.headers.get("ratelimit")).toBe('"reports.export";r=0;t=15');
    expect(await limited.json()).toMatchObject({ retry_after: 15 });
    kit.clock.now = T0 + 60_000;
    expect((await call(kit, "rate", { who: "bob" })).status).toBe(200);
  });

  it("refusals before the rate limit do not spend the budget (a free user's 403s, 401s)", async () => {
    const kit = makeKit();
    for (let i = 0; i < 5; i++)
      expect((await call(kit, "exportRate", { who: "bob" })).status).toBe(403);
    for (let i = 0; i < 5; i++)
      expect((await call(kit, "rate", { who: "anonymous" })).status).toBe(401);
    // Carol's own first calls are unaffected and the count starts at her first allowed call.
    const first = await call(kit, "exportRate", { who: "carol" });
    expect(first.headers.get("ratelimit")).toBe('"reports.export";r=2;t=60');
  });
});

describe("404 concealment is byte-identical to a missing resource", () => {
  const snapshot = async (response: Response) => ({
    status: response.status,
    headers: [...response.headers],
    body: await response.text(),
  });

  it.each([
    ["read, other tenant", "readDoc", "bob", "doc-globex-1"],
    ["delete, other tenant", "deleteDoc", "carol", "doc-acme-1"],
    ["conceal all, not owner", "ownerConcealAll", "alice", "doc-acme-1"],
  ] as const)("%s", async (_label, policy, who, doc) => {
    const kit = makeKit();
    const concealed = await snapshot(await call(kit, policy, { who, doc }));
    const missing = await snapshot(await call(kit, policy, { who, doc: "doc-does-not-exist" }));
    // And the 404 a handler builds itself with notFound() for a resource it could not find.
    const handmade = await snapshot(
      denialResponse(
        notFound(),
        requestFor("/api/documents/doc-does-not-exist", { cookie: cookies[who] }),
      ),
    );
    expect(concealed.status).toBe(404);
    expect(concealed).toEqual(missing);
    expect(concealed).toEqual(handmade);
  });

  it("also under problem+json", async () => {
    const kit = makeKit();
    const accept = "application/problem+json";
    const concealed = await snapshot(
      await call(kit, "readDoc", { who: "bob", doc: "doc-globex-1", accept }),
    );
    const missing = await snapshot(
      await call(kit, "readDoc", { who: "bob", doc: "doc-nope", accept }),
    );
    expect(concealed).toEqual(missing);
  });
});

describe("fail closed: an error inside the kit denies", () => {
  const INTERNAL = {
    error: "Internal Server Error",
    message: "Authorization could not be completed",
    code: "authorization_error",
  };
  const SECRET_DETAIL = "connection to session-db.internal:5432 refused (password=hunter2)";

  async function expectInternalError(response: Response) {
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toBe(JSON.stringify(INTERNAL));
    expect(text).not.toContain("hunter2");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("www-authenticate")).toBeNull();
  }

  it("a session source that throws → 500 generic body, error logged with its stage", async () => {
    const kit = makeKit({
      session: async () => {
        throw new Error(SECRET_DETAIL);
      },
    });
    let ran = false;
    await expectInternalError(await call(kit, "admin", { who: "alice" }, () => (ran = true)));
    expect(ran).toBe(false);
    expect(kit.errors).toHaveLength(1);
    expect(kit.errors[0]).toMatchObject({ stage: "session", policy: "admin" });
    expect((kit.errors[0]!.error as Error).message).toBe(SECRET_DETAIL);
  });

  it("a session source that throws on a public policy → the request goes on as anonymous", async () => {
    const kit = makeKit({
      session: async () => {
        throw new Error(SECRET_DETAIL);
      },
    });
    const response = await call(kit, "public", { who: "alice" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(ok(null));
    expect(kit.errors).toHaveLength(1);
  });

  it("the kit's session reader without a secret → 500, never anonymous-allowed or signed in", async () => {
    const kit = makeKit({ session: authJsSession({ secret: () => undefined }) });
    await expectInternalError(await call(kit, "signedIn", { who: "alice" }));
    expect(kit.errors[0]).toMatchObject({ stage: "session" });
  });

  it("a rate-limit store that throws → 503 with Retry-After, handler not run", async () => {
    const kit = makeKit({
      rateLimitStore: {
        consume: async () => {
          throw new Error(SECRET_DETAIL);
        },
      },
    });
    let ran = false;
    const response = await call(kit, "rate", { who: "alice" }, () => (ran = true));
    expect(ran).toBe(false);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).toBe(
      JSON.stringify({
        error: "Service Unavailable",
        message: "Service temporarily unavailable; try again shortly",
        code: "authorization_unavailable",
      }),
    );
    expect(response.headers.get("retry-after")).toBe("5");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("ratelimit")).toBeNull();
    expect(kit.errors[0]).toMatchObject({ stage: "rateLimit", policy: "rate" });
  });

  it("a store that throws, with a configured Retry-After", async () => {
    const kit = makeKit({
      unavailableRetryAfter: 30,
      rateLimitStore: { consume: () => Promise.reject(new Error("down")) },
    });
    const response = await call(kit, "rate", { who: "alice" });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
  });

  it("a loader that throws → 500, handler not run", async () => {
    const kit = makeKit();
    let ran = false;
    const handler = kit.authz.withAuthorization(
      policies.readDoc,
      {
        load: async () => {
          throw new Error(SECRET_DETAIL);
        },
      },
      async () => {
        ran = true;
        return Response.json({});
      },
    );
    await expectInternalError(
      await handler(
        requestFor("/api/documents/x", { cookie: cookies.alice }),
        routeContext({ id: "x" }),
      ),
    );
    expect(ran).toBe(false);
    expect(kit.errors[0]).toMatchObject({ stage: "resource", policy: "read-doc" });
  });

  it("a loader whose result lacks the policy's keys → 500, never a pass", async () => {
    const kit = makeKit();
    const handler = kit.authz.withAuthorization(
      policies.readDoc,
      { load: async () => ({ tenantId: undefined }) as unknown as { tenantId: string } },
      async () => Response.json({ leaked: true }),
    );
    await expectInternalError(
      await handler(requestFor("/x", { cookie: cookies.alice }), routeContext()),
    );
  });

  it("a client-address getter that throws → 500 before any session is read", async () => {
    let sessionRead = false;
    const kit = makeKit({
      clientIp: () => {
        throw new Error(SECRET_DETAIL);
      },
      session: async () => {
        sessionRead = true;
        return null;
      },
    });
    await expectInternalError(await call(kit, "ipAllow", {}));
    expect(sessionRead).toBe(false);
    expect(kit.errors[0]).toMatchObject({ stage: "ip" });
  });

  it("a logger (onError) that throws does not turn a refusal into a crash or an allow", async () => {
    const onError = vi.fn(() => {
      throw new Error("logger down");
    });
    const kit = makeKit({
      onError,
      session: async () => {
        throw new Error(SECRET_DETAIL);
      },
    });
    await expectInternalError(await call(kit, "signedIn", { who: "alice" }));
    const storeDown = makeKit({
      onError,
      rateLimitStore: { consume: () => Promise.reject(new Error("down")) },
    });
    expect((await call(storeDown, "rate", { who: "alice" })).status).toBe(503);
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it("an async logger that rejects leaves no unhandled rejection (which would crash Node)", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      // Typed as returning void, so an async function is accepted: its rejection must be absorbed too.
      const kit = makeKit({
        onError: async () => {
          throw new Error("log shipper down");
        },
        session: async () => {
          throw new Error(SECRET_DETAIL);
        },
      });
      await expectInternalError(await call(kit, "signedIn", { who: "alice" }));
      // Let Node run its unhandled-rejection check (after the microtask queue drains).
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it("check() on a resource policy without a loader → 500 (nothing to check is not a pass)", async () => {
    const kit = makeKit();
    const decision = await kit.authz.check(
      policies.readDoc,
      requestFor("/x", { cookie: cookies.alice }),
    );
    expect(decision).toMatchObject({ allowed: false, status: 500, code: "authorization_error" });
    // What the app's onError hears is the configuration error, not a generic failure.
    expect(kit.errors).toHaveLength(1);
    expect(kit.errors[0]!.error).toBeInstanceOf(AuthzConfigError);
    expect(kit.errors[0]!.error).toMatchObject({
      code: "invalid_policy",
      message: 'Invalid policy "read-doc": it has a resource rule, but the check gives no loader',
    });
  });

  it("withAuthorization refuses a resource policy without load() at definition", () => {
    const kit = makeKit();
    expect(() =>
      kit.authz.withAuthorization(policies.readDoc as never, async () => Response.json({})),
    ).toThrow(
      configError(
        "invalid_route",
        "Invalid withAuthorization(read-doc): the policy has a resource rule, so the route needs a load() option",
      ),
    );
  });

  it("a custom 401 challenge is used on every 401", async () => {
    const challenge =
      'Cookie realm="matrix", form-action="/signin", cookie-name="authjs.session-token"';
    const kit = makeKit({ response: { challenge } });
    for (const who of ["anonymous", "expired", "unknownRole"] as const) {
      const response = await call(kit, "signedIn", { who });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(challenge);
    }
  });

  it("the __Secure- cookie is read over HTTPS (so the 401 above is about the scheme, not the token)", async () => {
    const kit = makeKit();
    const handler = guarded(kit, "signedIn");
    const response = await handler(
      requestFor("/api/test", {
        origin: "https://app.example",
        cookie: cookies.secureNameOverHttp,
      }),
      routeContext(),
    );
    expect(response.status).toBe(200);
    expect(sessionCookieName(true)).toBe("__Secure-authjs.session-token");
  });
});

describe("policies are validated once, at definition", () => {
  const invalid: readonly [string, Record<string, unknown>, string][] = [
    [
      "unknown role",
      { name: "p", role: "superuser" },
      'Invalid policy "p": unknown role "superuser"',
    ],
    [
      "unknown role in a list",
      { name: "p", role: ["admin", "owner"] },
      'Invalid policy "p": unknown role "owner"',
    ],
    ["empty role list", { name: "p", role: [] }, 'Invalid policy "p": role list is empty'],
    [
      "unknown permission",
      { name: "p", permission: "users:create" },
      'Invalid policy "p": unknown permission "users:create"',
    ],
    [
      "empty permission list",
      { name: "p", permission: [] },
      'Invalid policy "p": permission list is empty',
    ],
    ["unknown feature", { name: "p", feature: "sso" }, 'Invalid policy "p": unknown feature "sso"'],
    [
      "empty IP allow list",
      { name: "p", ip: { allow: [] } },
      'Invalid policy "p": Invalid CIDR list: expected a non-empty array of CIDR strings',
    ],
    [
      "malformed CIDR",
      { name: "p", ip: { allow: ["10.0.0.0/33"] } },
      'Invalid policy "p": Invalid CIDR: "10.0.0.0/33"',
    ],
    [
      "CIDR with host bits",
      { name: "p", ip: { deny: ["10.0.0.1/8"] } },
      'Invalid policy "p": Invalid CIDR: "10.0.0.1/8" (host bits set; did you mean "10.0.0.0/8"?)',
    ],
    [
      "IP rule without a list",
      { name: "p", ip: {} },
      'Invalid policy "p": ip rule needs an allow or a deny list',
    ],
    [
      "bad window",
      { name: "p", rateLimit: { operation: "op", limit: 5, window: "1 minute" } },
      'Invalid policy "p": Invalid duration: "1 minute" (use e.g. "30s", "1m", "1h")',
    ],
    [
      "zero window",
      { name: "p", rateLimit: { operation: "op", limit: 5, window: 0 } },
      'Invalid policy "p": Invalid duration: 0 must be a whole number of milliseconds ≥ 1',
    ],
    [
      "zero limit",
      { name: "p", rateLimit: { operation: "op", limit: 0, window: "1m" } },
      'Invalid policy "p": rateLimit.limit must be a whole number ≥ 1, got 0',
    ],
    [
      "bad operation name",
      { name: "p", rateLimit: { operation: "a b", limit: 1, window: "1m" } },
      'Invalid policy "p": rateLimit.operation "a b" must be 1-64 letters, digits or . _ : -',
    ],
    [
      "signedIn: false with a role",
      { name: "p", signedIn: false, role: "admin" },
      'Invalid policy "p": signedIn: false conflicts with rules that need a signed-in user (role, permission, feature, resource, per-user rate limit)',
    ],
    [
      "signedIn: false with a per-user rate limit",
      { name: "p", signedIn: false, rateLimit: { operation: "op", limit: 1, window: "1m" } },
      'Invalid policy "p": signedIn: false conflicts with rules that need a signed-in user (role, permission, feature, resource, per-user rate limit)',
    ],
    [
      "resource rule without keys",
      { name: "p", resource: { conceal: "all" } },
      'Invalid policy "p": resource rule needs a tenant or an owner key',
    ],
    [
      "unknown ownerOverride",
      { name: "p", resource: { owner: "ownerId", ownerOverride: "root" } },
      'Invalid policy "p": unknown ownerOverride role "root"',
    ],
    [
      "ownerOverride without owner",
      { name: "p", resource: { tenant: "t", ownerOverride: "admin" } },
      'Invalid policy "p": ownerOverride needs an owner key',
    ],
    [
      "unnamed policy says so",
      { role: "nobody" },
      'Invalid policy "policy": unknown role "nobody"',
    ],
  ];

  it.each(invalid)("%s → TypeError", (_label, rules, message) => {
    // Casts: these rules are exactly what the types forbid; the runtime check is for untyped callers.
    expect(() => access.policy(rules as never)).toThrow(configError("invalid_policy", message));
  });

  it("valid edge cases are accepted", () => {
    expect(() =>
      access.policy({ signedIn: false, ip: { deny: ["::/0"], unknownAddress: "allow" } }),
    ).not.toThrow();
    expect(() =>
      access.policy({
        signedIn: false,
        rateLimit: { operation: "op", limit: 1, window: 1000, by: "ip" },
      }),
    ).not.toThrow();
    expect(() => access.policy({ resource: { owner: "ownerId" } })).not.toThrow();
  });

  it("an inconsistent declaration fails at defineAccess", () => {
    expect(() => defineAccess({ roles: {} })).toThrow(
      configError(
        "invalid_access_declaration",
        "Invalid access declaration: declare at least one role",
      ),
    );
    expect(() =>
      defineAccess({ roles: { a: { inherits: ["b"] }, b: { inherits: ["a"] } } }),
    ).toThrow(
      configError(
        "invalid_access_declaration",
        "Invalid access declaration: role inheritance cycle a -> b -> a",
      ),
    );
    expect(() =>
      defineAccess({ roles: { a: {} }, upgradeUrl: "http://insecure.example/pricing" }),
    ).toThrow(TypeError);
    expectConfigError(
      () => defineAccess({ roles: { a: {} }, upgradeUrl: "http://insecure.example/pricing" }),
      "invalid_access_declaration",
    );
  });
});
