import { deny, internalError, type Decision, type Deny } from "./decision";
import { AuthzConfigError } from "../errors";
import { rethrowNextControlFlow } from "../http/next-control-flow";
import { parseMemberships } from "../org/membership";
import { trustedOriginSet, type RequestHost } from "../http/origin";
import { memoryRateLimitStore } from "../rate-limit/memory";
import type { RateLimitStore } from "../rate-limit/store";
import { checkFresh, checkScopes, notAccepted } from "./credential-policy";
import {
  addressStep,
  claimsStep,
  crossSiteStep,
  orgStep,
  rateLimitStep,
  resourceStep,
  type AuthzStage,
  type StepContext,
} from "./request-steps";
import { DEFAULT_CHALLENGE, denialResponse, type ResponseOptions } from "../http/respond";
import {
  assertRunnable,
  credentialSources,
  defaultChallenge,
  formatChallenge,
  isAdaptedSource,
  readCredential,
  SourceError,
  type CheckerRuntime,
} from "../session/compose";
import {
  isCredentialSource,
  type Authenticated,
  type CredentialKind,
  type CredentialSource,
  type SessionInput,
  type SourceOutcome,
} from "../session/credential";
import type { SubjectFreshness } from "../subject/freshness";
import type { DecisionLayer } from "../decision-log/event";
import type { DecisionLog } from "../decision-log/log";
import { newFacts, shadowOf, shadowVerdict, type CheckFacts } from "../decision-log/shadow";
import type {
  AccessDeclaration,
  Checker,
  CheckOptions,
  Policy,
  PolicyRules,
  Subject,
  SubjectFor,
} from "../types";

export type { AuthzStage } from "./request-steps";

/** How the kit gets its facts and reports its errors: everything a policy does not say. */
export interface AuthzOptions {
  /**
   * Reads who is asking: a source (`authJsSession({ secret })`), or a list asked in order, header
   * credentials (bearer tokens, API keys) before cookies. A request with a bearer token or API key
   * is decided by it alone; which kinds a policy takes is its `accepts`.
   */
  readonly session: SessionInput;
  /**
   * The session source `authoritative: true` policies ask in handlers, pages and actions instead
   * of the cookie sources (e.g. Better Auth's `getSession`, which sees a sign-out at once).
   */
  readonly authoritativeSession?: CredentialSource;
  /**
   * Where `createChecker`'s checks run: `"edge"` (default, `middleware.ts`) takes edge sources
   * only; `"nodejs"` (`proxy.ts`) also node ones. `createAuthz` is server code and takes every kind.
   */
  readonly runtime?: "edge" | "nodejs";
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
  /**
   * The host the browser addressed, which a same-origin `Origin` names, under the deployment's
   * proxy trust model: `requestHostFrom(proxyTrustFromEnv(process.env))`. Default: the `Host`
   * header, never a client-sent `X-Forwarded-Host`.
   */
  readonly requestHost?: RequestHost;
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

/** The kinds a layer takes: pages and server actions run on browser sessions only. */
function acceptedIn(
  accepts: readonly CredentialKind[],
  layer: DecisionLayer,
): readonly CredentialKind[] {
  return layer === "page" || layer === "action" ? accepts.filter((k) => k === "session") : accepts;
}

/** The authoritative session source as a list, checked once; middleware never asks it. */
function authoritativeSources(
  options: AuthzOptions,
  sources: readonly CredentialSource[],
  runtime: CheckerRuntime,
): readonly CredentialSource[] | undefined {
  const source = options.authoritativeSession;
  if (source === undefined) return undefined;
  if (!isCredentialSource(source) || source.kind !== "session")
    throw new AuthzConfigError(
      "invalid_authz_options",
      "authoritativeSession",
      "expected a credential source of kind session, such as sessionFromBetterAuth(auth)",
    );
  if (runtime !== "edge") assertRunnable([source], runtime);
  // Header credentials keep their own sources; only the cookie session is asked authoritatively.
  return [...sources.filter((s) => s.kind !== "session"), source];
}

// A credential's non-secret label (an OAuth client id, an API key's prefix) for the decision log,
// kept beside the subject object rather than on it (handlers have no use for it).
const clientLabels = new WeakMap<object, string>();
const labelOf = (subject: object | null | undefined): string | undefined =>
  subject ? clientLabels.get(subject) : undefined;

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
  return checkerFor(options, options.runtime ?? "edge");
}

/** A subject read from a request, or the middleware's "let it through, the handler decides". */
type SubjectReading<D extends AccessDeclaration> =
  | {
      readonly subject: Subject<D> | null;
      readonly deferred?: false;
      readonly auth?: Authenticated;
    }
  | { readonly subject: null; readonly deferred: true };

// A source's verified-result cache hands back the same frozen credential for the same cookie or
// token: its subject is parsed once per access declaration, not on every request.
const parsedSubjects = new WeakMap<Authenticated, { access: object; subject: object | null }>();

/** The credential's claims as the declaration's subject (frozen), or null when they do not parse. */
function subjectOf<D extends AccessDeclaration>(
  access: Policy<D>["access"],
  auth: Authenticated,
): Subject<D> | null {
  const known = parsedSubjects.get(auth);
  if (known !== undefined && known.access === access) return known.subject as Subject<D> | null;
  const parsed = access.parseSubject(auth.claims);
  const subject: Subject<D> | null =
    parsed === null
      ? null
      : Object.freeze({
          ...parsed,
          // Frozen to the arrays: a handler that pushes a role must not grant it to the next request.
          roles: Object.freeze(parsed.roles),
          kind: auth.kind,
          credential: auth.credential,
          scopes: Object.freeze([...(auth.scopes ?? [])]),
        });
  // Only a credential nobody can change afterwards may answer for later requests.
  if (Object.isFrozen(auth) && Object.isFrozen(auth.claims))
    parsedSubjects.set(auth, { access, subject });
  return subject;
}

/** `createChecker` for a runtime: `createAuthz` builds its checks with `"server"`. */
export function checkerFor(options: AuthzOptions, runtime: CheckerRuntime): AuthzChecker {
  const sources = credentialSources(options.session);
  assertRunnable(sources, runtime);
  const authoritative = authoritativeSources(options, sources, runtime);
  const clientIp = options.clientIp ?? (() => null);
  const store = options.rateLimitStore ?? memoryRateLimitStore();
  const onError = options.onError ?? defaultOnError;
  const now = options.now ?? Date.now;
  const log = options.decisionLog;
  const retryAfter = String(options.unavailableRetryAfter ?? 5);
  const trusted = trustedOriginSet(options.trustedOrigins); // a malformed entry fails here

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

  /** The challenge of one kind: its first source's own, else the app's (cookies) or a default. */
  const challengeOf = (kind: CredentialKind): string => {
    const source = sources.find((s) => s.kind === kind && s.challenge);
    if (source?.challenge) return formatChallenge(source.challenge);
    if (kind === "session") return options.response?.challenge ?? DEFAULT_CHALLENGE;
    return formatChallenge(defaultChallenge(kind));
  };
  /** A source's challenge with error params first (RFC 6750 §3). */
  const challengeWith =
    (source: CredentialSource) =>
    (params: Readonly<Record<string, string>>): string =>
      formatChallenge(source.challenge ?? defaultChallenge(source.kind), params);

  /** The sources a layer asks: `authoritative` policies use the authoritative one for sessions. */
  const sourcesFor = <D extends AccessDeclaration>(policy: Policy<D>, layer: DecisionLayer) =>
    policy.credentials.authoritative && layer !== "middleware" ? (authoritative ?? []) : sources;

  async function readSubject<D extends AccessDeclaration>(
    policy: Policy<D>,
    request: Request,
    layer: DecisionLayer,
  ): Promise<SubjectReading<D> | Deny> {
    if (policy.credentials.authoritative && layer !== "middleware" && !authoritative)
      throw new AuthzConfigError(
        "invalid_policy",
        `policy "${policy.name}"`,
        "it is authoritative, but the kit has no authoritativeSession",
      );
    let reading;
    try {
      reading = await readCredential(sourcesFor(policy, layer), request);
    } catch (error) {
      rethrowNextControlFlow(error); // a prerender that must stop is Next's, not a refusal
      const failed = error instanceof SourceError ? error.source : undefined;
      report(failed ? (error as SourceError).cause : error, "session", policy.name);
      // A public policy grants nothing on the subject, so it may go on as anonymous.
      if (!policy.requiresSubject) return { subject: null };
      return failed && !isAdaptedSource(failed) ? unavailable("session") : internalError("session");
    }
    if (reading.status === "none") return { subject: null };
    if (reading.status === "unknown") {
      // Present but not decidable here (an expired cookie cache at the Edge): the handler decides.
      if (layer === "middleware") return { subject: null, deferred: true };
      return policy.requiresSubject
        ? deny("unauthenticated", "Session could not be verified; sign in again", {
            rule: "session",
          })
        : { subject: null };
    }
    const { source, outcome } = reading;
    const accepts = acceptedIn(policy.credentials.accepts, layer);
    // A public policy grants nothing on a credential: one it does not take leaves it anonymous.
    if (!policy.requiresSubject && (!accepts.includes(source.kind) || outcome.status !== "ok"))
      return { subject: null };
    if (!accepts.includes(source.kind)) {
      const message =
        layer === "action" && source.kind !== "session"
          ? "Server actions accept browser sessions only; call a route handler with this credential"
          : undefined;
      return notAccepted(
        source.kind,
        accepts,
        challengeOf(accepts[0] ?? policy.credentials.accepts[0] ?? "session"),
        message,
      );
    }
    if (outcome.status === "invalid") return invalidCredential(source, outcome);
    return authenticated(policy, source, outcome.auth);
  }

  /** A verified credential as the policy's subject: claims, scopes, fresh sign-in, account. */
  async function authenticated<D extends AccessDeclaration>(
    policy: Policy<D>,
    source: CredentialSource,
    auth: Authenticated,
  ): Promise<SubjectReading<D> | Deny> {
    if (auth.credential !== source.kind)
      throw new TypeError(`source "${source.name}" answered a ${auth.credential} credential`);
    const subject = subjectOf(policy.access, auth);
    if (subject === null) {
      return policy.requiresSubject
        ? invalidCredential(source, { status: "invalid", error: "invalid_token" })
        : { subject: null };
    }
    const labelled = <S extends object | null>(value: S): S => {
      if (value !== null && auth.label !== undefined) clientLabels.set(value, auth.label);
      return value;
    };
    const refused = checkScopes(policy.credentials, auth, challengeWith(source));
    if (refused) return refused;
    // A machine (an org's API key) has no account of its own to keep current.
    if (!options.subjects || auth.kind === "machine") return { subject: labelled(subject), auth };
    const fresh = await freshen(policy, subject, options.subjects);
    if ("allowed" in fresh) {
      // An account that no longer exists: for a program's credential, that is an invalid one.
      return fresh.code === "session_invalid" && source.kind !== "session"
        ? invalidCredential(source, { status: "invalid", error: "invalid_token" })
        : fresh;
    }
    return { subject: labelled(fresh.subject), auth };
  }

  /** The policy's fresh sign-in rule on a verified credential, with its kind's answer. */
  function freshRefusal<D extends AccessDeclaration>(
    policy: Policy<D>,
    auth: Authenticated,
  ): Deny | null {
    // Most policies have no such rule: no challenge is formatted for them on every request.
    if (policy.credentials.freshMaxAge === undefined) return null;
    const source = sources.find((s) => s.kind === auth.credential);
    const bearer = source
      ? challengeWith(source)
      : (params: Readonly<Record<string, string>>) =>
          formatChallenge(defaultChallenge("bearer"), params);
    return checkFresh(policy.credentials, auth, now() / 1000, challengeOf("session"), bearer);
  }

  /** The refusal for a present, invalid credential, with its kind's standard answer. */
  function invalidCredential(
    source: CredentialSource,
    outcome: Extract<SourceOutcome, { status: "invalid" }>,
  ): Deny {
    if (source.kind === "session")
      return deny("session_invalid", "Session is not valid; sign in again", {
        rule: "session",
        headers: { "WWW-Authenticate": challengeOf("session") },
      });
    const params = (error: string) => ({
      error,
      ...(outcome.description ? { error_description: outcome.description } : {}),
    });
    const headers = (error: string) => ({
      "WWW-Authenticate": challengeWith(source)(params(error)),
    });
    if (outcome.error === "invalid_request")
      return deny("invalid_request", "Authorization header is malformed", {
        rule: "credential",
        headers: headers("invalid_request"),
      });
    if (source.kind === "api_key")
      return deny("invalid_api_key", "API key is not valid", {
        rule: "credential",
        headers: headers("invalid_token"),
      });
    return deny("invalid_token", "Access token is not valid", {
      rule: "credential",
      headers: headers("invalid_token"),
    });
  }

  /** A 401 without its own challenge gets the one of the first kind the policy accepts. */
  const withChallenge = <D extends AccessDeclaration>(policy: Policy<D>, refusal: Deny): Deny => {
    if (refusal.status !== 401 || refusal.headers["WWW-Authenticate"] !== undefined) return refusal;
    const challenge = challengeOf(policy.credentials.accepts[0] ?? "session");
    // What denialResponse sets anyway stays out of the decision (its bytes are unchanged).
    if (challenge === (options.response?.challenge ?? DEFAULT_CHALLENGE)) return refusal;
    return { ...refusal, headers: { ...refusal.headers, "WWW-Authenticate": challenge } };
  };

  /** What the request steps (./request-steps.ts) read from this kit. */
  const context: StepContext = {
    clientIp,
    trustedOrigins: trusted,
    requestHost: options.requestHost,
    subjects: options.subjects,
    rateLimitStore: store,
    now,
    report,
    unavailable,
    withChallenge,
    freshRefusal,
  };

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
      rethrowNextControlFlow(error);
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
        ...(facts.subject?.credential ? { credential: facts.subject.credential } : {}),
        ...(labelOf(facts.subject) !== undefined ? { client: labelOf(facts.subject) } : {}),
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

  /**
   * The request path, one named step after another in the order the kit decides: address,
   * credential, cross-site, role/permission/plan, fresh sign-in, org, validation, rate limit,
   * resource. The first refusal answers. `facts`, when given, collects what the decision log and a
   * shadow need.
   */
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
      const address = addressStep(context, policy, request, facts);
      if (typeof address === "object" && address !== null) return byPolicy(address);
      const ip = address;

      stage = "session";
      const read = await readSubject(policy, request, checkOptions.layer ?? "route");
      if ("allowed" in read) return withChallenge(policy, read);
      // The middleware cannot decide this credential; the handler checks everything again.
      if (read.deferred) return allowed(null as SubjectFor<D, R>, {}, undefined as Res);
      if (facts) facts.subject = read.subject;
      const crossSite = crossSiteStep(context, policy, request, read);
      if (crossSite) return crossSite;
      const refused = claimsStep(context, policy, read);
      if (refused) return byPolicy(refused);

      if (policy.org) stage = "org";
      const active = orgStep(context, policy, read.subject, checkOptions.org, facts);
      if (active !== undefined && "allowed" in active) return byPolicy(active);
      // claimsStep has refused a null subject wherever the policy requires one.
      const subject = (active ? { ...read.subject, org: active } : read.subject) as SubjectFor<
        D,
        R
      >;
      if (checkOptions.stages === "claims") return allowed(subject, {}, undefined as Res);

      stage = "validation";
      const invalid = await checkOptions.validate?.(subject);
      if (invalid) return invalid;

      if (policy.rules.rateLimit || read.auth?.rateLimit) stage = "rateLimit";
      const counted = await rateLimitStep(context, policy, read, ip);
      if ("allowed" in counted) return counted;

      stage = "resource";
      const loaded = await resourceStep(
        policy,
        read.subject,
        active,
        checkOptions.load,
        subject,
        facts,
      );
      if (loaded.refusal) return loaded.byPolicy ? byPolicy(loaded.refusal) : loaded.refusal;
      return allowed(subject, counted.headers, loaded.resource as Res, read.auth);
    } catch (error) {
      // Next's own control flow (a loader's notFound(), a prerender bail-out) goes back to Next.
      rethrowNextControlFlow(error);
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
      const read = await readSubject(policy, request, "route").catch((error: unknown) => {
        rethrowNextControlFlow(error);
        return null;
      });
      return read && !("allowed" in read) ? read.subject : null;
    },
  };
}

/**
 * An allowed decision, with the header lines the credential's source asks the answer to carry (a
 * refreshed cookie).
 */
function allowed<S, Res>(
  subject: S,
  headers: Record<string, string>,
  resource: Res,
  auth?: Authenticated,
) {
  const decision = { allowed: true as const, subject, headers, resource };
  const lines = auth?.responseHeaders;
  return lines?.length ? { ...decision, responseHeaders: lines } : decision;
}
