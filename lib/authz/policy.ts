import { compileCredentialRules } from "./credential-policy";
import { AuthzConfigError } from "./errors";
import { deny, notFound } from "./decision";
import { parseDuration } from "./duration";
import { ipMatcher } from "./ip";
import { compileOrgRule } from "./org/rule";
import { compileFields } from "./query/fields";
import { DEFAULT_IPV6_PREFIX } from "./rate-limit/key";
import type { RateLimitResult } from "./rate-limit/store";
import type { Access, AccessDeclaration, Policy, PolicyRules, ResourceRule } from "./types";

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

/**
 * Checks a policy's rules against its access declaration and compiles them. Called once per policy
 * at module load, so a wrong rule stops start-up with an AuthzConfigError naming it.
 */
export function compilePolicy<D extends AccessDeclaration, const R extends PolicyRules<D>>(
  access: Access<D>,
  rules: R,
): Policy<D, R> {
  const name = rules.name ?? "policy";
  const invalid = (what: string): never => {
    throw new AuthzConfigError("invalid_policy", `policy "${name}"`, `${what}`);
  };

  const roles = asList(rules.role);
  const permissions = asList(rules.permission);
  for (const role of roles) if (!access.isRole(role)) invalid(`unknown role "${String(role)}"`);
  for (const p of permissions)
    if (!access.isPermission(p)) invalid(`unknown permission "${String(p)}"`);
  if (rules.role !== undefined && roles.length === 0) invalid("role list is empty");
  if (rules.permission !== undefined && permissions.length === 0)
    invalid("permission list is empty");
  if (rules.feature !== undefined && !access.isFeature(rules.feature))
    invalid(`unknown feature "${String(rules.feature)}"`);

  const needsSubject =
    roles.length > 0 ||
    permissions.length > 0 ||
    rules.feature !== undefined ||
    rules.resource !== undefined ||
    (rules.rateLimit !== undefined && (rules.rateLimit.by ?? "user") === "user");
  if (rules.signedIn === false && needsSubject) {
    invalid(
      "signedIn: false conflicts with rules that need a signed-in user (role, permission, feature, resource, per-user rate limit)",
    );
  }
  if (rules.signedIn === false && rules.org !== undefined)
    invalid("signedIn: false conflicts with an org rule, which needs a signed-in member");
  const requiresSubject = rules.signedIn !== false;

  let allow: ((ip: string | null) => boolean) | undefined;
  let block: ((ip: string | null) => boolean) | undefined;
  if (rules.ip) {
    const { allow: allowList, deny: denyList } = rules.ip;
    if (allowList === undefined && denyList === undefined)
      invalid("ip rule needs an allow or a deny list");
    try {
      if (allowList !== undefined) allow = ipMatcher(allowList);
      if (denyList !== undefined) block = ipMatcher(denyList);
    } catch (error) {
      invalid(error instanceof Error ? error.message : "malformed ip list");
    }
  }

  let rateLimitWindowMs: number | undefined;
  let operationLimit: OperationLimit | undefined;
  if (rules.rateLimit) {
    const {
      limit,
      operation,
      window,
      by = "user",
      ipv6Prefix = DEFAULT_IPV6_PREFIX,
    } = rules.rateLimit;
    if (!Number.isInteger(limit) || limit < 1)
      invalid(`rateLimit.limit must be a whole number ≥ 1, got ${limit}`);
    if (!/^[\w.:-]{1,64}$/.test(operation))
      invalid(`rateLimit.operation "${operation}" must be 1-64 letters, digits or . _ : -`);
    try {
      rateLimitWindowMs = parseDuration(window);
    } catch (error) {
      invalid(error instanceof Error ? error.message : "bad window");
    }
    if (by !== "user" && by !== "ip") invalid(`rateLimit.by must be "user" or "ip"`);
    if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 1 || ipv6Prefix > 128)
      invalid(`rateLimit.ipv6Prefix must be a whole number from 1 to 128, got ${ipv6Prefix}`);
    operationLimit = { operation, limit, windowMs: rateLimitWindowMs!, by, ipv6Prefix };
  }

  const org = rules.org ? compileOrgRule(access.orgRoles, rules.org, invalid) : undefined;
  const credentials = compileCredentialRules(rules, invalid);
  if (rules.signedIn === false && (rules.scopes || rules.fresh || rules.authoritative))
    invalid("signedIn: false conflicts with scopes, fresh and authoritative, which need a caller");

  const resource = rules.resource;
  const overrides = asList(resource?.ownerOverride);
  const orgOverrides = asList(resource?.orgRoleOverride);
  if (resource) {
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
    if ((resource.org !== undefined || orgOverrides.length > 0) && org === undefined)
      invalid("a resource org key or orgRoleOverride needs the policy's org rule");
  }
  const conceal = resource?.conceal ?? "none";
  // The one compiled resource rule: checkResource below and the list filter (query/filter.ts) read
  // the same keys and the same override test, so a list cannot disagree with the single check.
  const resourceRule: ResourceRule<D> | undefined = resource
    ? {
        tenant: resource.tenant,
        owner: resource.owner,
        org: resource.org,
        conceal,
        overridesOwner: (subject, active) =>
          overrides.some((r) => access.hasRole(subject, r)) ||
          (active !== undefined &&
            orgOverrides.some((r) => access.orgRoles.satisfies(active.role, r))),
      }
    : undefined;
  const fieldsFor = compileFields(access, rules.fields, invalid);
  const plan = rules.feature !== undefined ? access.planFor(rules.feature) : undefined;
  const upgradeUrl = access.declaration.upgradeUrl;
  // Last, so a policy that failed another check claims no operation name.
  if (operationLimit) claimOperation(access, name, operationLimit);

  return {
    name,
    access,
    rules,
    requiresSubject,
    rateLimitWindowMs,
    org,
    credentials,
    resource: resourceRule,
    fieldsFor,

    checkAddress(ip) {
      if (!rules.ip) return null;
      // A null address never matches an allow list, and a deny list cannot refuse what it cannot
      // see, so for an unknown address the policy's stated default decides.
      const unknownRefused = ip === null && (rules.ip.unknownAddress ?? "deny") === "deny";
      if (unknownRefused || block?.(ip) || (allow && !allow(ip)))
        return deny("ip_not_allowed", "IP address not allowed", { rule: "ip" });
      return null;
    },

    checkSubject(subject) {
      if (subject === null) {
        return requiresSubject
          ? deny("unauthenticated", "Authentication required", { rule: "session" })
          : null;
      }
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
      if (rules.feature !== undefined && !access.hasFeature(subject, rules.feature)) {
        const label = plan?.label ?? "a higher";
        return deny("plan_required", `Requires ${label} plan`, {
          rule: "feature",
          details: {
            feature: rules.feature,
            required_plan: plan?.plan ?? null,
            ...(upgradeUrl !== undefined ? { upgrade_url: upgradeUrl } : {}),
          },
        });
      }
      return null;
    },

    checkRateLimit(result, now) {
      const options = rules.rateLimit;
      if (!options || rateLimitWindowMs === undefined) return null;
      if (result.success) return null;
      const retryAfter = Math.max(1, Math.ceil((result.reset - now) / 1000));
      const status = options.status ?? 429;
      const per = Math.ceil(rateLimitWindowMs / 1000);
      const requests = result.limit === 1 ? "1 request" : `${result.limit} requests`;
      return deny(
        "rate_limited",
        `Rate limit exceeded: at most ${requests} per ${per === 1 ? "second" : `${per} seconds`}`,
        {
          rule: "rateLimit",
          status,
          headers: {
            "Retry-After": String(retryAfter),
            ...rateLimitHeaders(options.operation, result, rateLimitWindowMs, now),
          },
          details: { limit: result.limit, retry_after: retryAfter },
        },
      );
    },

    checkResource(subject, loaded, active) {
      if (!resource || !resourceRule) return null;
      if (subject === null)
        return deny("unauthenticated", "Authentication required", { rule: "session" });
      // A loader result without the keys the policy reads is a bug, never a pass.
      const value = (key: string | undefined): string | undefined => {
        if (key === undefined) return undefined;
        const v =
          typeof loaded === "object" && loaded !== null
            ? (loaded as Record<string, unknown>)[key]
            : undefined;
        if (typeof v !== "string" || v === "")
          throw new TypeError(`resource key "${key}" is not a non-empty string`);
        return v;
      };
      const tenant = value(resourceRule.tenant);
      const owner = value(resourceRule.owner);
      const resourceOrg = value(resourceRule.org);
      // Another org's resource through this org's URL does not exist here, even for its members.
      if (resourceOrg !== undefined && (active === undefined || resourceOrg !== active.id))
        return notFound("org");
      if (tenant !== undefined && tenant !== subject.tenant) {
        return conceal === "none"
          ? deny("tenant_mismatch", "Requires same tenant", { rule: "tenant" })
          : notFound("tenant");
      }
      if (
        owner !== undefined &&
        owner !== subject.id &&
        !resourceRule.overridesOwner(subject, active)
      ) {
        if (conceal === "all") return notFound("owner");
        // Inside an org the way in is an org role: say which one, as the org rule does.
        return orgOverrides.length > 0
          ? deny(
              "org_role_required",
              `Requires resource owner or ${joinOr(orgOverrides)} role in this organization`,
              {
                rule: "owner",
                details: { required_org_role: joinOr(orgOverrides) },
              },
            )
          : deny("owner_required", "Requires resource owner", { rule: "owner" });
      }
      return null;
    },
  };
}
