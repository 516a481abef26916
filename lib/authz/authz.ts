import { deny, internalError, notFound, type Decision, type Deny } from "./decision";
import { AuthzConfigError } from "./errors";
import { parseMemberships, type ActiveOrg } from "./org/membership";
import { trustedOriginSet } from "./origin";
import { rateLimitHeaders } from "./policy";
import { rateLimitAddress, rateLimitKeyForAddress, rateLimitKeyForUser } from "./rate-limit/key";
import { memoryRateLimitStore } from "./rate-limit/memory";
import type { RateLimitStore } from "./rate-limit/store";
import { denialResponse, type ResponseOptions } from "./respond";
import type { SessionSource } from "./session/source";
import type { SubjectFreshness } from "./subject/freshness";
import type { DecisionLayer } from "./decision-log/event";
import type { DecisionLog } from "./decision-log/log";
import { newFacts, shadowOf, shadowVerdict, type CheckFacts } from "./decision-log/shadow";
import type {
  AccessDeclaration,
  Checker,
  CheckOptions,
  OrgRoleOf,
  Policy,
  PolicyRules,
  Subject,
  SubjectFor,
} from "./types";

/** Where a failure inside the kit happened, for the operator's log. */
export type AuthzStage =
  "ip" | "session" | "account" | "org" | "rateLimit" | "resource" | "validation" | "decisionLog";

/** How the kit gets its facts and reports its errors: everything a policy does not say. */
export interface AuthzOptions {
  /** Reads the session of a request, e.g. `authJsSession({ secret })`. */
  readonly session: SessionSource;
  /**
   * The client address under the deployment's proxy trust model, or null when it cannot be known.
   * Default: always null, so IP rules refuse until a trust model is configured (`clientIpFrom`).
   */
  readonly clientIp?: (request: Request) => string | null;
  /**
   * Keeps every session's account current: whether it still exists (401 once deleted) and its org
   * memberships, read through a short per-process cache (`subjectFreshness`). Without it the kit
   * trusts the cookie alone, and org rules cannot be checked (they answer 500).
   */
  readonly subjects?: SubjectFreshness;
  /** Counts rate-limited operations. Default: an in-memory store (one process only). */
  readonly rateLimitStore?: RateLimitStore;
  /** Seconds a client should wait after a 503 because a store failed. Default 5. */
  readonly unavailableRetryAfter?: number;
  /** Receives every error the kit turned into a refusal. Default: `console.error`. */
  readonly onError?: (
    error: unknown,
    context: { readonly stage: AuthzStage; readonly policy: string },
  ) => void;
  /**
   * Origins besides the request's own that may send unsafe methods (POST, PUT, PATCH, DELETE)
   * with a session, e.g. `["https://admin.example.com"]`. Others get 403 `cross_site_request`.
   */
  readonly trustedOrigins?: readonly string[];
  /** The 401 challenge and problem-details type base. */
  readonly response?: ResponseOptions;
  /** The clock, for tests. */
  readonly now?: () => number;
  /**
   * Records every decision (`createDecisionLog`); responses then carry `X-Request-Id`. Default:
   * none, and the checks cost exactly what they did without a log.
   */
  readonly decisionLog?: DecisionLog;
}

/** The kit's checks, configured: what middleware, pages and actions run. */
export interface AuthzChecker extends Checker {
  readonly options: AuthzOptions;
  /** Resolves the request's subject with no policy: null when anonymous or on any error. */
  subject<D extends AccessDeclaration>(
    policy: Policy<D>,
    request: Request,
  ): Promise<Subject<D> | null>;
  /** The request's id for `X-Request-Id` (the one its events carry), or null without a log. */
  requestId(request: Request): Promise<string | null>;
}

const defaultOnError: NonNullable<AuthzOptions["onError"]> = (error, context) => {
  // The log is for the operator: the stage and policy say where, the error says what.
  console.error(
    `[authz] ${context.stage} failed for policy "${context.policy}"; request refused`,
    error,
  );
};

/**
 * The kit's checks without the route-handler wrapper: what `middleware.ts` needs, so the Edge
 * bundle carries no body reading or params validation. `createAuthz` adds `withAuthorization`.
 *
 * @example
 * // middleware.ts
 * export default authorizationMiddleware(createChecker(authzOptions), { rules, signInPath });
 */
export function createChecker(options: AuthzOptions): AuthzChecker {
  const clientIp = options.clientIp ?? (() => null);
  const store = options.rateLimitStore ?? memoryRateLimitStore();
  const onError = options.onError ?? defaultOnError;
  const now = options.now ?? Date.now;
  const log = options.decisionLog;
  const retryAfter = String(options.unavailableRetryAfter ?? 5);
  trustedOriginSet(options.trustedOrigins); // a malformed entry fails here, at start-up

  const unavailable = (rule: string): Deny =>
    deny("authorization_unavailable", "Service temporarily unavailable; try again shortly", {
      rule,
      headers: { "Retry-After": retryAfter },
    });

  const report = (error: unknown, stage: AuthzStage, policy: string) => {
    try {
      // The type says void, but an async logger fits it too: a rejection it returns would be an
      // unhandled rejection, which ends a Node process by default. Absorb it like a throw.
      const logged: unknown = onError(error, { stage, policy });
      if (typeof (logged as PromiseLike<unknown> | undefined)?.then === "function") {
        Promise.resolve(logged).catch(() => undefined);
      }
    } catch {
      // A failing logger must not turn a refusal into a crash.
    }
  };

  async function readSubject<D extends AccessDeclaration>(
    policy: Policy<D>,
    request: Request,
  ): Promise<{ subject: Subject<D> | null } | Deny> {
    let claims;
    try {
      claims = await options.session(request);
    } catch (error) {
      report(error, "session", policy.name);
      // A public policy grants nothing on the subject, so it may go on as anonymous.
      return policy.requiresSubject ? internalError("session") : { subject: null };
    }
    if (claims === null) return { subject: null };
    const subject = policy.access.parseSubject(claims);
    if (subject === null && policy.requiresSubject) {
      return deny("session_invalid", "Session is not valid; sign in again", { rule: "session" });
    }
    if (subject === null || !options.subjects) return { subject };
    return freshen(policy, subject, options.subjects);
  }

  /** The subject with its account's current state: gone is a 401, a source that fails a 503. */
  async function freshen<D extends AccessDeclaration>(
    policy: Policy<D>,
    subject: Subject<D>,
    subjects: SubjectFreshness,
  ): Promise<{ subject: Subject<D> | null } | Deny> {
    let record;
    try {
      record = await subjects.read(subject.id);
    } catch (error) {
      report(error, "account", policy.name);
      return policy.requiresSubject ? unavailable("account") : { subject: null };
    }
    if (record === null) {
      return policy.requiresSubject
        ? deny("session_invalid", "Session is not valid; sign in again", { rule: "account" })
        : { subject: null };
    }
    const memberships = parseMemberships(record.memberships, policy.access.orgRoles.isRole);
    return { subject: { ...subject, memberships } };
  }

  /** One decision to the log, with the shadow's verdict where it disagrees. Never throws. */
  function record<D extends AccessDeclaration>(
    decisionLog: DecisionLog,
    policy: Policy<D>,
    request: Request,
    checkOptions: {
      readonly layer?: DecisionLayer;
      readonly logPath?: string;
      readonly logAction?: { readonly id: string; readonly name?: string };
    },
    facts: CheckFacts<D>,
    refusal: Deny | null,
    startedAt: number,
  ): void {
    try {
      // The address is read for the log even where the policy has no IP rule (it is truncated).
      if (facts.ip === null) facts.ip = clientIp(request);
      const candidate = shadowOf(policy);
      decisionLog.record({
        layer: checkOptions.layer ?? "route",
        policy: policy.name,
        request,
        refusal,
        subject: facts.subject?.id ?? null,
        // The org the call named, once the policy's org rule has read it (absent before that stage).
        ...(typeof facts.org === "string" ? { org: facts.org } : {}),
        ip: facts.ip,
        startedAt,
        ...(checkOptions.logPath !== undefined ? { path: checkOptions.logPath } : {}),
        ...(checkOptions.logAction !== undefined ? { action: checkOptions.logAction } : {}),
        ...(candidate ? { shadow: shadowVerdict(candidate, facts, refusal) } : {}),
      });
    } catch (error) {
      report(error, "decisionLog", policy.name);
    }
  }

  /** The checks themselves; `facts`, when given, collects what the decision log and a shadow need. */
  async function evaluate<D extends AccessDeclaration, R extends PolicyRules<D>, Res = undefined>(
    policy: Policy<D, R>,
    request: Request,
    checkOptions: CheckOptions<SubjectFor<D, R>, Res>,
    facts: CheckFacts<D> | undefined,
  ): Promise<Decision<SubjectFor<D, R>, Res>> {
    const byPolicy = (refusal: Deny): Deny => {
      if (facts) facts.policyRefusal = true;
      return refusal;
    };
    let stage: AuthzStage = "ip";
    try {
      const early = checkOptions.before?.();
      if (early) return early;
      let ip: string | null = null;
      if (policy.rules.ip || policy.rules.rateLimit?.by === "ip") {
        ip = clientIp(request);
        if (facts) facts.ip = ip;
        const refused = policy.checkAddress(ip);
        if (refused) return byPolicy(refused);
      }

      stage = "session";
      const read = await readSubject(policy, request);
      if ("allowed" in read) return read;
      if (facts) facts.subject = read.subject;
      const refused = policy.checkSubject(read.subject);
      if (refused) return byPolicy(refused);
      // checkSubject has refused a null subject wherever the policy requires one.
      let subject = read.subject as SubjectFor<D, R>;

      let org: ActiveOrg<OrgRoleOf<D>> | undefined;
      if (policy.org) {
        stage = "org";
        if (facts) facts.org = checkOptions.org;
        if (!options.subjects || checkOptions.org === undefined)
          throw new AuthzConfigError(
            "invalid_policy",
            `policy "${policy.name}"`,
            "it has an org rule, but the kit has no account source or the call names no org",
          );
        const active = policy.org.check(read.subject?.memberships, checkOptions.org);
        if ("allowed" in active) return byPolicy(active);
        org = active;
        subject = { ...read.subject, org } as SubjectFor<D, R>;
      }
      if (checkOptions.stages === "claims") {
        return { allowed: true, subject, headers: {}, resource: undefined as Res };
      }

      stage = "validation";
      const invalid = await checkOptions.validate?.(subject);
      if (invalid) return invalid;

      let headers: Record<string, string> = {};
      const limit = policy.rules.rateLimit;
      if (limit && policy.rateLimitWindowMs !== undefined) {
        stage = "rateLimit";
        let key: string;
        if (limit.by === "ip") {
          // Unknown addresses must not share one bucket (one client would exhaust it for all):
          // without a known address there is nothing to count, so the request is refused.
          const network = ip === null ? null : rateLimitAddress(ip, limit.ipv6Prefix);
          if (network === null) {
            return deny("address_unknown", "Client address cannot be determined", {
              rule: "rateLimit",
            });
          }
          key = rateLimitKeyForAddress(limit.operation, network);
        } else {
          key = rateLimitKeyForUser(limit.operation, read.subject?.id ?? "");
        }
        let result;
        try {
          result = await store.consume(key, {
            limit: limit.limit,
            windowMs: policy.rateLimitWindowMs,
          });
        } catch (error) {
          report(error, "rateLimit", policy.name);
          return unavailable("rateLimit");
        }
        const at = now();
        const limited = policy.checkRateLimit(result, at);
        if (limited) return limited;
        headers = rateLimitHeaders(limit.operation, result, policy.rateLimitWindowMs, at);
      }

      stage = "resource";
      let resource = undefined as Res;
      if (checkOptions.load) {
        const loaded = await checkOptions.load(subject);
        if (loaded === null || loaded === undefined) return notFound("resource");
        if (facts) facts.resource = { value: loaded };
        const refusedResource = policy.checkResource(read.subject, loaded, org);
        if (refusedResource) return byPolicy(refusedResource);
        resource = loaded;
      } else if (policy.rules.resource) {
        // A resource rule with nothing to check it against must not pass by default.
        throw new AuthzConfigError(
          "invalid_policy",
          `policy "${policy.name}"`,
          "it has a resource rule, but the check gives no loader",
        );
      }
      return { allowed: true, subject, headers, resource };
    } catch (error) {
      report(error, stage, policy.name);
      return internalError(stage);
    } finally {
      if (facts) facts.stage = stage;
    }
  }

  return {
    options,
    denialResponse: (decision, request) => denialResponse(decision, request, options.response),

    async check<D extends AccessDeclaration, R extends PolicyRules<D>, Res = undefined>(
      policy: Policy<D, R>,
      request: Request,
      checkOptions: CheckOptions<SubjectFor<D, R>, Res> = {},
    ): Promise<Decision<SubjectFor<D, R>, Res>> {
      if (!log) return evaluate(policy, request, checkOptions, undefined);
      const startedAt = performance.now();
      const facts = newFacts<D>();
      const decision = await evaluate(policy, request, checkOptions, facts);
      record(
        log,
        policy,
        request,
        checkOptions,
        facts,
        decision.allowed ? null : decision,
        startedAt,
      );
      return decision;
    },

    requestId: async (request) => (log ? log.requestId(request) : null),

    async subject(policy, request) {
      const read = await readSubject(policy, request).catch(() => null);
      return read && !("allowed" in read) ? read.subject : null;
    },
  };
}
