/**
 * The request path's steps after the credential, one function each, in the order the kit decides
 * (authz.ts runs them): address, cross-site, claims, org, rate limit, resource. Each reads the
 * configured kit through a {@link StepContext} and answers a refusal or what the next step needs,
 * so each is tested on its own (tests/unit/request-steps.test.ts). Edge-safe.
 */
import { deny, notFound, type Deny } from "./decision";
import type { CheckFacts } from "../decision-log/shadow";
import { AuthzConfigError } from "../errors";
import type { ActiveOrg } from "../org/membership";
import { crossSiteRefusal, type RequestHost } from "../http/origin";
import { rateLimitHeaders } from "./policy";
import { rateLimitAddress, rateLimitKeyForAddress, rateLimitKeyForUser } from "../rate-limit/key";
import type { RateLimitStore } from "../rate-limit/store";
import type { Authenticated } from "../session/credential";
import type { SubjectFreshness } from "../subject/freshness";
import type { AccessDeclaration, OrgRoleOf, Policy, PolicyRules, Subject } from "../types";

/** Where a failure inside the kit happened, for the operator's log. */
export type AuthzStage =
  "ip" | "session" | "account" | "org" | "rateLimit" | "resource" | "validation" | "decisionLog";

/** What the steps read from the configured kit: its facts, stores, clock and error reporting. */
export interface StepContext {
  /** The client address under the proxy trust model, or null when it cannot be known. */
  readonly clientIp: (request: Request) => string | null;
  /** Origins besides the request's own that may send unsafe methods with a session. */
  readonly trustedOrigins: ReadonlySet<string>;
  readonly requestHost: RequestHost | undefined;
  /** The account source org rules need; without it an org rule is a configuration error. */
  readonly subjects: SubjectFreshness | undefined;
  readonly rateLimitStore: RateLimitStore;
  readonly now: () => number;
  /** Hands an error the kit turned into a refusal to the app's `onError`. */
  readonly report: (error: unknown, stage: AuthzStage, policy: string) => void;
  /** The 503 for a store that failed, with its `Retry-After`. */
  readonly unavailable: (rule: string) => Deny;
  /** A 401 without a challenge gets the one of the policy's first accepted kind. */
  readonly withChallenge: <D extends AccessDeclaration>(policy: Policy<D>, refusal: Deny) => Deny;
  /** The policy's fresh sign-in rule on a verified credential, with its kind's answer. */
  readonly freshRefusal: <D extends AccessDeclaration>(
    policy: Policy<D>,
    auth: Authenticated,
  ) => Deny | null;
}

/** A subject the credential step decided: the subject (or null) and its verified credential. */
export interface DecidedSubject<D extends AccessDeclaration> {
  readonly subject: Subject<D> | null;
  readonly auth?: Authenticated;
}

/**
 * Step 1, address: the client address where a rule needs it, and the IP rule's refusal.
 *
 * @example
 * const ip = addressStep(context, policy, request, facts); // a Deny, the address, or null
 */
export function addressStep<D extends AccessDeclaration>(
  context: StepContext,
  policy: Policy<D>,
  request: Request,
  facts: CheckFacts<D> | undefined,
): string | null | Deny {
  if (!policy.rules.ip && policy.rules.rateLimit?.by !== "ip") return null;
  const ip = context.clientIp(request);
  if (facts) facts.ip = ip;
  return policy.checkAddress(ip) ?? ip;
}

/**
 * Step 3, cross-site: 401 before 403, so a session riding along on a cross-site post is refused
 * once the caller is known to be signed in with it, in every layer alike
 * (docs/cross-site-requests.md). A request a header credential decided carries no cookie that
 * could ride: an API client on another origin may call.
 *
 * @example
 * const refused = crossSiteStep(context, policy, request, read);
 */
export function crossSiteStep<D extends AccessDeclaration>(
  context: StepContext,
  policy: Policy<D>,
  request: Request,
  read: DecidedSubject<D>,
): Deny | null {
  if (read.subject === null || !policy.requiresSubject || decidedByHeader(read.auth)) return null;
  return crossSiteRefusal(request, context.trustedOrigins, context.requestHost);
}

/**
 * Steps 4 and 5, the claims: role, permission and plan, then a fresh enough sign-in.
 *
 * @example
 * const refused = claimsStep(context, policy, read); // 401 first for anonymous, then 403s
 */
export function claimsStep<D extends AccessDeclaration>(
  context: StepContext,
  policy: Policy<D>,
  read: DecidedSubject<D>,
): Deny | null {
  const refused = policy.checkSubject(read.subject);
  if (refused) return context.withChallenge(policy, refused);
  // After role and plan: signing in again is no use to a caller those refuse anyway.
  return (read.auth && context.freshRefusal(policy, read.auth)) || null;
}

/**
 * Step 6, org: the active org the call names, against the caller's memberships; undefined for a
 * policy without an org rule.
 *
 * @example
 * const active = orgStep(context, policy, subject, "acme", facts); // ActiveOrg, Deny or undefined
 */
export function orgStep<D extends AccessDeclaration>(
  context: StepContext,
  policy: Policy<D>,
  subject: Subject<D> | null,
  named: string | null | undefined,
  facts: CheckFacts<D> | undefined,
): ActiveOrg<OrgRoleOf<D>> | Deny | undefined {
  if (!policy.org) return undefined;
  if (facts) facts.org = named;
  if (!context.subjects || named === undefined)
    throw new AuthzConfigError(
      "invalid_policy",
      `policy "${policy.name}"`,
      "it has an org rule, but the kit has no account source or the call names no org",
    );
  return policy.org.check(subject?.memberships, named);
}

/**
 * Step 8, rate limit: the policy's counter, then the credential's own (an API key's). Answers the
 * `RateLimit` headers for an allowed response, or the 429 (503 when the store fails).
 *
 * @example
 * const counted = await rateLimitStep(context, policy, read, ip);
 * if ("allowed" in counted) return counted; // refused
 */
export async function rateLimitStep<D extends AccessDeclaration>(
  context: StepContext,
  policy: Policy<D>,
  read: DecidedSubject<D>,
  ip: string | null,
): Promise<{ readonly headers: Record<string, string> } | Deny> {
  const limit = policy.rules.rateLimit;
  let headers: Record<string, string> = {};
  if (limit && policy.rateLimitWindowMs !== undefined) {
    const key = rateLimitKey(limit, read.subject?.id ?? "", ip);
    if (key === null) {
      // Unknown addresses must not share one bucket (one client would exhaust it for all):
      // without a known address there is nothing to count, so the request is refused.
      return deny("address_unknown", "Client address cannot be determined", {
        rule: "rateLimit",
      });
    }
    let result;
    try {
      result = await context.rateLimitStore.consume(key, {
        limit: limit.limit,
        windowMs: policy.rateLimitWindowMs,
      });
    } catch (error) {
      context.report(error, "rateLimit", policy.name);
      return context.unavailable("rateLimit");
    }
    const at = context.now();
    const limited = policy.checkRateLimit(result, at);
    if (limited) return limited;
    headers = rateLimitHeaders(limit.operation, result, policy.rateLimitWindowMs, at);
  }
  const own = read.auth?.rateLimit;
  const limited = own ? await credentialLimit(context, policy, own) : null;
  return limited ?? { headers };
}

/** The credential's own limit (an API key's), counted apart from every policy's. */
async function credentialLimit<D extends AccessDeclaration>(
  context: StepContext,
  policy: Policy<D>,
  own: NonNullable<Authenticated["rateLimit"]>,
): Promise<Deny | null> {
  let result;
  try {
    result = await context.rateLimitStore.consume(`credential:${encodeURIComponent(own.id)}`, {
      limit: own.limit,
      windowMs: own.windowMs,
    });
  } catch (error) {
    context.report(error, "rateLimit", policy.name);
    return context.unavailable("rateLimit");
  }
  if (result.success) return null;
  const at = context.now();
  const retryAfter = Math.max(1, Math.ceil((result.reset - at) / 1000));
  return deny("rate_limited", "Rate limit of this API key exceeded", {
    rule: "credentialRateLimit",
    headers: {
      "Retry-After": String(retryAfter),
      ...rateLimitHeaders("api-key", result, own.windowMs, at),
    },
    details: { limit: result.limit, retry_after: retryAfter },
  });
}

/** What the resource step found: the resource, or the refusal (by the policy, or the 404). */
export interface ResourceOutcome {
  readonly refusal?: Deny;
  /** The refusal is the policy's (a shadow compares it), not the missing resource's 404. */
  readonly byPolicy?: boolean;
  readonly found: boolean;
  readonly resource?: unknown;
}

/**
 * Step 9, resource: the loader's result checked against the resource rule (tenant, owner, org;
 * concealed as a 404 where the policy says so). A missing resource is the kit's one 404.
 *
 * @example
 * const loaded = await resourceStep(policy, subject, active, load, subject, facts);
 */
export async function resourceStep<D extends AccessDeclaration, S>(
  policy: Policy<D>,
  subject: Subject<D> | null,
  active: ActiveOrg<OrgRoleOf<D>> | undefined,
  load: ((subject: S) => unknown) | undefined,
  loadFor: S,
  facts: CheckFacts<D> | undefined,
): Promise<ResourceOutcome> {
  if (!load) {
    // A resource rule with nothing to check it against must not pass by default.
    if (policy.rules.resource)
      throw new AuthzConfigError(
        "invalid_policy",
        `policy "${policy.name}"`,
        "it has a resource rule, but the check gives no loader",
      );
    return { found: false };
  }
  const loaded = await load(loadFor);
  if (loaded === null || loaded === undefined)
    return { refusal: notFound("resource"), byPolicy: false, found: false };
  // What was loaded is a fact for the log and a shadow, refused or not.
  if (facts) facts.resource = { value: loaded };
  const refused = policy.checkResource(subject, loaded, active);
  return {
    found: true,
    resource: loaded,
    ...(refused ? { refusal: refused, byPolicy: true } : {}),
  };
}

/** Whether a bearer token or an API key decided the request (no cookie took part). */
function decidedByHeader(auth: Authenticated | undefined): boolean {
  return auth?.credential === "bearer" || auth?.credential === "api_key";
}

/** The rate-limit counter's key: per user, or per client network (null when it cannot be known). */
function rateLimitKey(
  limit: NonNullable<PolicyRules<AccessDeclaration>["rateLimit"]>,
  subjectId: string,
  ip: string | null,
): string | null {
  if (limit.by !== "ip") return rateLimitKeyForUser(limit.operation, subjectId);
  const network = ip === null ? null : rateLimitAddress(ip, limit.ipv6Prefix);
  return network === null ? null : rateLimitKeyForAddress(limit.operation, network);
}
