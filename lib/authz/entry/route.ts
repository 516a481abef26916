import { NextRequest } from "next/server";
import { AuthzConfigError } from "../errors";
import { badRequest, readJsonBody } from "../http/body";
import { REQUEST_ID_HEADER } from "../decision-log/request-id";
import { orgFromSegment } from "../org/segment";
import { validate, type OutputOf, type StandardSchemaV1 } from "../decide/schema";
import type {
  AccessDeclaration,
  Checker,
  Policy,
  PolicyRules,
  ResourceShape,
  SubjectFor,
} from "../types";

/** Route params as Next passes them before validation. */
export type RawParams = Readonly<Record<string, string | string[] | undefined>>;

/** The second argument Next 15/16 passes to a route handler: params arrive as a Promise. */
export interface RouteContext {
  readonly params: Promise<RawParams>;
}

/** A function Next can export from `route.ts` as `GET`, `POST`, `DELETE`, ... */
export type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;

/** What an authorized handler receives next to the request. */
export interface AuthorizedContext<S, P, B, Res> {
  /** The signed-in subject (never null once the policy requires a session). */
  readonly subject: S;
  /** Route params, awaited and, with a `params` schema, validated. */
  readonly params: P;
  /** The JSON body validated by the `body` schema (undefined without one: read it yourself). */
  readonly body: B;
  /** What `load` returned, already checked against the policy's resource rule. */
  readonly resource: Res;
}

/**
 * A route handler that runs only once the policy allowed the request. It gets a `NextRequest`
 * (`nextUrl`, `cookies`), as Next gives an unwrapped handler.
 */
export type AuthorizedHandler<S, P, B, Res> = (
  request: NextRequest,
  context: AuthorizedContext<S, P, B, Res>,
) => Response | Promise<Response>;

/** Per-route options: validation and the resource loader. */
export interface RouteOptions<S, PS, BS, Res> {
  /** Validates route params; a failure answers 400 with the field issues before anything runs. */
  readonly params?: PS;
  /** Validates the JSON body; invalid JSON or a failure answers 400 with the field issues. */
  readonly body?: BS;
  /** Loads the resource the policy checks (owner/tenant), once; null or undefined answers 404. */
  readonly load?: (input: {
    readonly params: ParamsOf<PS>;
    readonly subject: S;
    readonly request: NextRequest;
  }) => Promise<Res | null | undefined> | Res | null | undefined;
  /** Largest body read, in bytes (default 1 MiB); larger answers 413. */
  readonly maxBodyBytes?: number;
  /**
   * `Cache-Control` of allowed answers the handler leaves without one. Default for a policy that
   * needs a session: `private, no-store` (with `Vary: Cookie`); for a public policy: none.
   */
  readonly cacheControl?: string;
}

type ParamsOf<PS> = PS extends StandardSchemaV1 ? OutputOf<PS> : RawParams;
type BodyOf<BS> = BS extends StandardSchemaV1 ? OutputOf<BS> : undefined;

/** `withAuthorization(policy, handler)` or `withAuthorization(policy, options, handler)`. */
export interface WithAuthorization {
  <D extends AccessDeclaration, const R extends PolicyRules<D>>(
    policy: Policy<D, R>,
    handler: AuthorizedHandler<SubjectFor<D, R>, RawParams, undefined, undefined>,
  ): RouteHandler;
  <
    D extends AccessDeclaration,
    const R extends PolicyRules<D>,
    PS extends StandardSchemaV1 | undefined = undefined,
    BS extends StandardSchemaV1 | undefined = undefined,
    Res extends ResourceShape<R> = never,
  >(
    policy: Policy<D, R>,
    options: RouteOptions<SubjectFor<D, R>, PS, BS, Res>,
    handler: AuthorizedHandler<
      SubjectFor<D, R>,
      ParamsOf<PS>,
      BodyOf<BS>,
      [Res] extends [never] ? undefined : Res
    >,
  ): RouteHandler;
}

const GUARD = Symbol.for("next-authz-kit.guard");

/** How a route handler is guarded: by a policy (its name) or declared public (the reason). */
export type GuardMark =
  | { readonly kind: "policy"; readonly policy: string }
  | { readonly kind: "public"; readonly reason: string };

function mark<F extends object>(handler: F, guard: GuardMark): F {
  Object.defineProperty(handler, GUARD, { value: guard, enumerable: false });
  return handler;
}

/**
 * Tells how an exported route handler is guarded, or null when it is neither wrapped nor marked
 * public: what the coverage test asks of every `app/**\/route.ts` export.
 *
 * @example
 * expect(guardOf(routeModule.GET)).not.toBeNull();
 */
export function guardOf(handler: unknown): GuardMark | null {
  if (typeof handler !== "function") return null;
  const value = (handler as unknown as Record<symbol, unknown>)[GUARD];
  return typeof value === "object" && value !== null ? (value as GuardMark) : null;
}

/**
 * Marks a route handler as deliberately public, with the reason, so the coverage test accepts it.
 * It adds no check: use it only for what anyone may call.
 *
 * The handler may take a `Request` or a `NextRequest`, as any route handler may.
 *
 * @example
 * export const GET = publicRoute("health check for the load balancer", async () => Response.json({ ok: true }));
 */
export function publicRoute<
  H extends (request: NextRequest, context: RouteContext) => Response | Promise<Response>,
>(reason: string, handler: H): H {
  if (reason.trim() === "")
    throw new AuthzConfigError("invalid_route", "publicRoute", "it needs a reason");
  return mark(handler, { kind: "public", reason });
}

/** The segment's org id (decoded as pages decode it); null when unusable, undefined when absent. */
function orgSegment(raw: RawParams, segment: string): string | null | undefined {
  if (!Object.hasOwn(raw, segment)) return undefined;
  return orgFromSegment(raw[segment], "route");
}

function withHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  const entries = Object.entries(headers);
  if (entries.length === 0) return response;
  try {
    for (const [name, value] of entries) response.headers.set(name, value);
    return response;
  } catch {
    // Response.redirect() and fetch() responses have immutable headers: copy, then set.
    const copy = new Response(response.body, response);
    for (const [name, value] of entries) copy.headers.set(name, value);
    return copy;
  }
}

/** Appends header lines (a source's `Set-Cookie`) to the handler's answer, beside its own. */
function withAppended(
  response: Response,
  lines: readonly (readonly [string, string])[] | undefined,
): Response {
  if (!lines?.length) return response;
  try {
    for (const [name, value] of lines) response.headers.append(name, value);
    return response;
  } catch {
    // Immutable headers (Response.redirect(), fetch()): copy, then append.
    const copy = new Response(response.body, response);
    for (const [name, value] of lines) copy.headers.append(name, value);
    return copy;
  }
}

/** Adds `X-Request-Id` to a response the kit built (its headers are mutable). */
function withRequestId(response: Response, id: string | null): Response {
  if (id !== null) response.headers.set(REQUEST_ID_HEADER, id);
  return response;
}

const PRIVATE = "private, no-store";

/**
 * The request as a `NextRequest`: Next passes one already; a plain `Request` (a test) is wrapped
 * around the same body stream, so nothing is read (or marked used) until someone reads it.
 */
function asNextRequest(request: Request): NextRequest {
  if (isNextRequest(request)) return request;
  const init: ConstructorParameters<typeof NextRequest>[1] & { duplex?: "half" } = {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    ...(request.body ? { body: request.body, duplex: "half" } : {}),
  };
  return new NextRequest(request.url, init);
}

/**
 * Whether Next made this request. Not `instanceof`: Next's route runtime carries its own copy of
 * the `NextRequest` class, so its requests are never instances of the one this file imports, and
 * wrapping each one again cost a tenth of a guarded request's time (a CPU profile of `next start`).
 */
function isNextRequest(request: Request): request is NextRequest {
  if (request instanceof NextRequest) return true;
  const candidate = request as Partial<NextRequest>;
  return (
    typeof candidate.nextUrl === "object" &&
    candidate.nextUrl !== null &&
    typeof candidate.cookies === "object" &&
    candidate.cookies !== null &&
    typeof candidate.cookies.get === "function"
  );
}

/**
 * Sets the allowed answer's caching: `cacheControl` unless the handler set its own, and
 * `Vary: Cookie` with the default, so no shared cache hands one user's answer to another.
 */
function withCaching(response: Response, cacheControl: string | undefined): Response {
  if (cacheControl === undefined || response.headers.has("cache-control")) return response;
  const vary = response.headers.get("vary");
  const headers: Record<string, string> = { "Cache-Control": cacheControl };
  if (cacheControl === PRIVATE && !/(^|,)\s*(cookie|\*)\s*(,|$)/i.test(vary ?? ""))
    headers.Vary = vary ? `${vary}, Cookie` : "Cookie";
  return withHeaders(response, headers);
}

/**
 * Builds `withAuthorization` for a configured kit (`createAuthz` does this for you).
 *
 * The wrapped handler runs only if the policy allows; a refusal is answered before params are
 * validated, the body is read or the resource is loaded, so a denied request has no side effect.
 */
export function createWithAuthorization(authz: Checker): WithAuthorization {
  function withAuthorization<D extends AccessDeclaration, R extends PolicyRules<D>>(
    policy: Policy<D, R>,
    optionsOrHandler:
      | RouteOptions<
          SubjectFor<D, R>,
          StandardSchemaV1 | undefined,
          StandardSchemaV1 | undefined,
          unknown
        >
      | AuthorizedHandler<SubjectFor<D, R>, unknown, unknown, unknown>,
    maybeHandler?: AuthorizedHandler<SubjectFor<D, R>, unknown, unknown, unknown>,
  ): RouteHandler {
    const where = `withAuthorization(${policy.name})`;
    const options = typeof optionsOrHandler === "function" ? {} : optionsOrHandler;
    const handler = typeof optionsOrHandler === "function" ? optionsOrHandler : maybeHandler;
    if (typeof handler !== "function")
      throw new AuthzConfigError("invalid_route", where, "the handler must be a function");
    if (policy.rules.resource && !options.load) {
      throw new AuthzConfigError(
        "invalid_route",
        where,
        "the policy has a resource rule, so the route needs a load() option",
      );
    }
    if (policy.rules.rateLimit?.by === "ip" && authz.options && !authz.options.clientIp) {
      throw new AuthzConfigError(
        "invalid_route",
        where,
        `the policy counts per client address (rateLimit.by "ip"), so createAuthz needs a clientIp, e.g. clientIpFrom(proxyTrustFromEnv(process.env))`,
      );
    }
    if (policy.credentials.authoritative && authz.options && !authz.options.authoritativeSession) {
      throw new AuthzConfigError(
        "invalid_route",
        where,
        "the policy is authoritative, so createAuthz needs an authoritativeSession (e.g. Better Auth's getSession source)",
      );
    }
    const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    // A session policy's answers belong to one user: no shared cache may keep them.
    const cacheControl = options.cacheControl ?? (policy.requiresSubject ? PRIVATE : undefined);

    const guarded: RouteHandler = async (incoming, context) => {
      const request = asNextRequest(incoming);
      let params: unknown = {};
      let body: unknown = undefined;
      // Awaited first, as the org segment is checked before validation. A params promise that
      // fails leaves no segment (an org policy refuses) and is rethrown by validation (a 500).
      let failed: { readonly error: unknown } | undefined;
      const raw: RawParams = await Promise.resolve(context?.params).then(
        (value) => value ?? {},
        (error: unknown) => ((failed = { error }), {}),
      );
      const decision = await authz.check(policy, request, {
        // The active org is the route segment, as Next parsed it from the path: nothing else.
        ...(policy.org ? { org: orgSegment(raw, policy.org.segment) } : {}),
        validate: async () => {
          if (failed) throw failed.error;
          if (options.params) {
            const result = await validate(options.params, raw);
            if (!result.ok) return badRequest("Invalid route parameters", result.issues);
            params = result.value;
          } else {
            params = raw;
          }
          if (options.body) {
            const read = await readJsonBody(request, maxBodyBytes);
            if (!("ok" in read)) return read;
            const result = await validate(options.body, read.value);
            if (!result.ok) return badRequest("Invalid request body", result.issues);
            body = result.value;
          }
          return null;
        },
        ...(options.load
          ? {
              load: async (subject: SubjectFor<D, R>) =>
                (await options.load!({ params: params as never, subject, request })) ?? null,
            }
          : {}),
      });
      const id = authz.requestId ? await authz.requestId(request) : null;
      if (!decision.allowed) return withRequestId(authz.denialResponse(decision, request), id);
      const response = await handler(request, {
        subject: decision.subject,
        params,
        body,
        resource: decision.resource,
      });
      return withCaching(
        withAppended(
          withHeaders(
            response,
            id === null ? decision.headers : { ...decision.headers, [REQUEST_ID_HEADER]: id },
          ),
          decision.responseHeaders,
        ),
        cacheControl,
      );
    };
    return mark(guarded, { kind: "policy", policy: policy.name });
  }
  return withAuthorization as WithAuthorization;
}
