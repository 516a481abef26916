import { compileCredentialRules } from "./credential-policy";
import { AuthzConfigError } from "../errors";
import { deny, notFound } from "./decision";
import { parseDuration } from "./duration";
import { ipMatcher } from "../ip";
import { compileOrgRule } from "../org/rule";
import { compileFields } from "../query/fields";
import { DEFAULT_IPV6_PREFIX } from "../rate-limit/key";
import type { RateLimitResult } from "../rate-limit/store";
import type { Deny } from "./decision";
import type { ActiveOrg } from "../org/membership";
import type {
  Access,
  AccessDeclaration,
  OrgRoleOf,
  Policy,
  PolicyRules,
  ResourceRule,
  Subject,
} from "../types";

const asList = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

const joinOr = (items: readonly string[]): string =>
  items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;

/**
 * RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): the policy (quota `q`, window `w`
 * in seconds) and the state (remaining `r`, seconds to reset `t`), named by the operation.
 */
export function rateLimitHeaders(
  operation: string,
  result: RateLimitResult,
  windowMs: number,
  now: number,
): Record<string, string> {
  const name = JSON.stringify(operation);
  const resetSeconds = Math.max(0, Math.ceil((result.reset - now) / 1000));
  return {
    "RateLimit-Policy": `${name};q=${result.limit};w=${Math.ceil(windowMs / 1000)}`,
    RateLimit: `${name};r=${Math.max(0, result.remaining)};t=${resetSeconds}`,
  };
}

interface OperationLimit {
  readonly operation: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly by: "user" | "ip";
  readonly ipv6Prefix: number;
}

// Policies share a counter when they share an operation name (the name is the key), so two
// policies that name one operation with different limits would each enforce the other's count.
const operationsByAccess = new WeakMap<object, Map<string, OperationLimit & { policy: string }>>();

function claimOperation(access: object, policy: string, limit: OperationLimit): void {
  let operations = operationsByAccess.get(access);
  if (!operations) operationsByAccess.set(access, (operations = new Map()));
  // Per-user and per-address counters of one operation have different keys: they may differ.
  const counter = `${limit.by}\u0000${limit.operation}`;
  const first = operations.get(counter);
  if (!first) {
    operations.set(counter, { ...limit, policy });
    return;
  }
  const agree =
    first.limit === limit.limit &&
    first.windowMs === limit.windowMs &&
    (limit.by === "user" || first.ipv6Prefix === limit.ipv6Prefix);
  if (!agree) {
    throw new AuthzConfigError(
      "invalid_policy",
      `policy "${policy}"`,
      `rateLimit.operation "${limit.operation}" is already limited differently by policy "${first.policy}"; one operation name is one counter, so give each limit its own name`,
    );
  }
}

/** How a compiler reports a wrong rule: an AuthzConfigError naming the policy. */
type Invalid = (what: string) => never;

/**
 * Checks a policy's rules against its access declaration and compiles them. Called once per policy
 * at module load, so a wrong rule stops start-up with an AuthzConfigError naming it. Each rule has
 * its compiler below, run in the order the checks run, so the first wrong rule is the one named.
 */
export function compilePolicy<D extends AccessDeclaration, const R extends PolicyRules<D>>(
  access: Access<D>,
  rules: R,
): Policy<D, R> {
  const name = rules.name ?? "policy";
  const invalid: Invalid = (what) => {
    throw new AuthzConfigError("invalid_policy", `policy "${name}"`, `${what}`);
  };
  const claims = compileClaimRules(access, rules, invalid);
  const requiresSubject = compileSubjectRequirement(rules, claims, invalid);
  const checkAddress = compileAddressRule(rules.ip, invalid);
  const rateLimit = compileRateLimit(rules.rateLimit, invalid);
  const org = rules.org ? compileOrgRule(access.orgRoles, rules.org, invalid) : undefined;
  const credentials = compileCredentialRules(rules, invalid);
  if (rules.signedIn === false && (rules.scopes || rules.fresh || rules.authoritative))
    invalid("signedIn: false conflicts with scopes, fresh and authoritative, which need a caller");
  const resource = compileResourceRule(access, rules.resource, org !== undefined, invalid);
  const fieldsFor = compileFields(access, rules.fields, invalid);
  // Last, so a policy that failed another check claims no operation name.
  if (rateLimit.operation) claimOperation(access, name, rateLimit.operation);

  return {
    name,
    access,
    rules,
    requiresSubject,
    rateLimitWindowMs: rateLimit.windowMs,
    org,
    credentials,
    resource: resource?.rule,
    fieldsFor,
    checkAddress,
    checkSubject: (subject) =>
      subject === null ? anonymous(requiresSubject) : claims.check(subject),
    checkRateLimit: rateLimit.check,
    checkResource: (subject, loaded, active) =>
      resource ? resource.check(subject, loaded, active) : null,
  };
}

/** The refusal of an anonymous caller where a policy requires a subject. */
function anonymous(requiresSubject: boolean): Deny | null {
  return requiresSubject
    ? deny("unauthenticated", "Authentication required", { rule: "session" })
    : null;
}

/** The role, permission and plan-feature rules: checked names, and the check on a subject. */
function compileClaimRules<D extends AccessDeclaration>(
  access: Access<D>,
  rules: PolicyRules<D>,
  invalid: Invalid,
) {
  const roles = asList(rules.role);
  const permissions = asList(rules.permission);
  for (const role of roles) if (!access.isRole(role)) invalid(`unknown role "${String(role)}"`);
  for (const p of permissions)
    if (!access.isPermission(p)) invalid(`unknown permission "${String(p)}"`);
  if (rules.role !== undefined && roles.length === 0) invalid("role list is empty");
  if (rules.permission !== undefined && permissions.length === 0)
    invalid("permission list is empty");
  const feature = rules.feature;
  if (feature !== undefined && !access.isFeature(feature))
    invalid(`unknown feature "${String(feature)}"`);
  const plan = feature !== undefined ? access.planFor(feature) : undefined;
  const upgradeUrl = access.declaration.upgradeUrl;

  const check = (subject: Subject<D>): Deny | null => {
    if (roles.length > 0 && !roles.some((r) => access.hasRole(subject, r))) {
      return deny("role_required", `Requires ${joinOr(roles)} role`, {
        rule: "role",
        details: { required_role: joinOr(roles) },
      });
    }
    const missing = permissions.find((p) => !access.hasPermission(subject, p));
    if (missing !== undefined) {
      return deny("permission_required", `Requires ${missing} permission`, {
        rule: "permission",
        details: { required_permission: missing },
      });
    }
    if (feature !== undefined && !access.hasFeature(subject, feature)) {
      return deny("plan_required", `Requires ${plan?.label ?? "a higher"} plan`, {
        rule: "feature",
        details: {
          feature,
          required_plan: plan?.plan ?? null,
          ...(upgradeUrl !== undefined ? { upgrade_url: upgradeUrl } : {}),
        },
      });
    }
    return null;
  };
  return {
    needsSubject: roles.length > 0 || permissions.length > 0 || feature !== undefined,
    check,
  };
}

/** Whether the policy requires a signed-in caller (the default), refusing rules that contradict it. */
function compileSubjectRequirement<D extends AccessDeclaration>(
  rules: PolicyRules<D>,
  claims: { readonly needsSubject: boolean },
  invalid: Invalid,
): boolean {
  const needsSubject =
    claims.needsSubject ||
    rules.resource !== undefined ||
    (rules.rateLimit !== undefined && (rules.rateLimit.by ?? "user") === "user");
  if (rules.signedIn === false && needsSubject) {
    invalid(
      "signedIn: false conflicts with rules that need a signed-in user (role, permission, feature, resource, per-user rate limit)",
    );
  }
  if (rules.signedIn === false && rules.org !== undefined)
    invalid("signedIn: false conflicts with an org rule, which needs a signed-in member");
  return rules.signedIn !== false;
}

/** The IP rule's allow and deny lists, matched once built; its check on a client address. */
function compileAddressRule(
  ip: PolicyRules<AccessDeclaration>["ip"],
  invalid: Invalid,
): (address: string | null) => Deny | null {
  if (!ip) return () => null;
  const { allow: allowList, deny: denyList } = ip;
  if (allowList === undefined && denyList === undefined)
    invalid("ip rule needs an allow or a deny list");
  let allow: ((address: string | null) => boolean) | undefined;
  let block: ((address: string | null) => boolean) | undefined;
  try {
    if (allowList !== undefined) allow = ipMatcher(allowList);
    if (denyList !== undefined) block = ipMatcher(denyList);
  } catch (error) {
    invalid(error instanceof Error ? error.message : "malformed ip list");
  }
  // A null address never matches an allow list, and a deny list cannot refuse what it cannot see,
  // so for an unknown address the policy's stated default decides.
  const unknownRefused = (ip.unknownAddress ?? "deny") === "deny";
  return (address) =>
    (address === null && unknownRefused) || block?.(address) || (allow && !allow(address))
      ? deny("ip_not_allowed", "IP address not allowed", { rule: "ip" })
      : null;
}

/** The rate limit: its window, the operation it counts, and its check on a store's result. */
function compileRateLimit(
  options: PolicyRules<AccessDeclaration>["rateLimit"],
  invalid: Invalid,
): {
  readonly windowMs: number | undefined;
  readonly operation: OperationLimit | undefined;
  check(result: RateLimitResult, now: number): Deny | null;
} {
  if (!options) return { windowMs: undefined, operation: undefined, check: () => null };
  const { limit, operation, window, by = "user", ipv6Prefix = DEFAULT_IPV6_PREFIX } = options;
  if (!Number.isInteger(limit) || limit < 1)
    invalid(`rateLimit.limit must be a whole number ≥ 1, got ${limit}`);
  if (!/^[\w.:-]{1,64}$/.test(operation))
    invalid(`rateLimit.operation "${operation}" must be 1-64 letters, digits or . _ : -`);
  let windowMs = 0;
  try {
    windowMs = parseDuration(window);
  } catch (error) {
    invalid(error instanceof Error ? error.message : "bad window");
  }
  if (by !== "user" && by !== "ip") invalid(`rateLimit.by must be "user" or "ip"`);
  if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 1 || ipv6Prefix > 128)
    invalid(`rateLimit.ipv6Prefix must be a whole number from 1 to 128, got ${ipv6Prefix}`);
  return {
    windowMs,
    operation: { operation, limit, windowMs, by, ipv6Prefix },
    check: (result, now) => (result.success ? null : rateLimited(options, result, windowMs, now)),
  };
}

/** The refusal of a call over its limit: 429 (or the policy's 403) with when to retry. */
function rateLimited(
  options: NonNullable<PolicyRules<AccessDeclaration>["rateLimit"]>,
  result: RateLimitResult,
  windowMs: number,
  now: number,
): Deny {
  const retryAfter = Math.max(1, Math.ceil((result.reset - now) / 1000));
  const per = Math.ceil(windowMs / 1000);
  const requests = result.limit === 1 ? "1 request" : `${result.limit} requests`;
  return deny(
    "rate_limited",
    `Rate limit exceeded: at most ${requests} per ${per === 1 ? "second" : `${per} seconds`}`,
    {
      rule: "rateLimit",
      status: options.status ?? 429,
      headers: {
        "Retry-After": String(retryAfter),
        ...rateLimitHeaders(options.operation, result, windowMs, now),
      },
      details: { limit: result.limit, retry_after: retryAfter },
    },
  );
}

/**
 * The resource rule, checked against the declaration: the one compiled rule the single check and
 * the list filter (query/filter.ts) both read, so a list cannot disagree with the single check.
 */
function compileResourceRule<D extends AccessDeclaration>(
  access: Access<D>,
  resource: PolicyRules<D>["resource"],
  hasOrgRule: boolean,
  invalid: Invalid,
) {
  if (!resource) return undefined;
  const overrides = asList(resource.ownerOverride);
  const orgOverrides = asList(resource.orgRoleOverride);
  if (resource.tenant === undefined && resource.owner === undefined && resource.org === undefined)
    invalid("resource rule needs a tenant or an owner key");
  for (const role of overrides)
    if (!access.isRole(role)) invalid(`unknown ownerOverride role "${String(role)}"`);
  for (const role of orgOverrides)
    if (!access.orgRoles.isRole(role)) invalid(`unknown orgRoleOverride role "${String(role)}"`);
  if (overrides.length > 0 && resource.owner === undefined)
    invalid("ownerOverride needs an owner key");
  if (orgOverrides.length > 0 && resource.owner === undefined)
    invalid("orgRoleOverride needs an owner key");
  if ((resource.org !== undefined || orgOverrides.length > 0) && !hasOrgRule)
    invalid("a resource org key or orgRoleOverride needs the policy's org rule");
  const rule: ResourceRule<D> = {
    tenant: resource.tenant,
    owner: resource.owner,
    org: resource.org,
    conceal: resource.conceal ?? "none",
    overridesOwner: (subject, active) =>
      overrides.some((r) => access.hasRole(subject, r)) ||
      (active !== undefined && orgOverrides.some((r) => access.orgRoles.satisfies(active.role, r))),
  };
  return {
    rule,
    check: (subject: Subject<D> | null, loaded: unknown, active?: ActiveOrg<OrgRoleOf<D>>) =>
      subject === null
        ? anonymous(true)
        : checkResource(rule, orgOverrides, subject, loaded, active),
  };
}

/** A resource key's value on a loaded resource; a missing or empty one is a loader bug, never a pass. */
function keyValue(loaded: unknown, key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  const v =
    typeof loaded === "object" && loaded !== null
      ? (loaded as Record<string, unknown>)[key]
      : undefined;
  if (typeof v !== "string" || v === "")
    throw new TypeError(`resource key "${key}" is not a non-empty string`);
  return v;
}

/** The resource rule on one loaded resource: org, then tenant, then owner; concealed as declared. */
function checkResource<D extends AccessDeclaration>(
  rule: ResourceRule<D>,
  orgOverrides: readonly string[],
  subject: Subject<D>,
  loaded: unknown,
  active: ActiveOrg<OrgRoleOf<D>> | undefined,
): Deny | null {
  const tenant = keyValue(loaded, rule.tenant);
  const owner = keyValue(loaded, rule.owner);
  const resourceOrg = keyValue(loaded, rule.org);
  // Another org's resource through this org's URL does not exist here, even for its members.
  if (resourceOrg !== undefined && (active === undefined || resourceOrg !== active.id))
    return notFound("org");
  if (tenant !== undefined && tenant !== subject.tenant) {
    return rule.conceal === "none"
      ? deny("tenant_mismatch", "Requires same tenant", { rule: "tenant" })
      : notFound("tenant");
  }
  if (owner === undefined || owner === subject.id || rule.overridesOwner(subject, active))
    return null;
  if (rule.conceal === "all") return notFound("owner");
  // Inside an org the way in is an org role: say which one, as the org rule does.
  return orgOverrides.length > 0
    ? deny(
        "org_role_required",
        `Requires resource owner or ${joinOr(orgOverrides)} role in this organization`,
        { rule: "owner", details: { required_org_role: joinOr(orgOverrides) } },
      )
    : deny("owner_required", "Requires resource owner", { rule: "owner" });
}
