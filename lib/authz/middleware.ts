/**
 * The kit's middleware: an early answer for whole path areas, from the same policies the route
 * handlers and pages check. Edge-safe (runs in `middleware.ts` on the Edge runtime and in Next 16's
 * `proxy.ts` on Node alike). It never replaces the handler's check, which stays the authority:
 * path matching can diverge from routing, and middleware may not run at all.
 */
import { AuthzConfigError } from "./errors";
import { NextResponse, type NextRequest } from "next/server";
import { internalError, type Deny } from "./decide/decision";
import { REQUEST_ID_HEADER } from "./decision-log/request-id";
import { definePathRules, pathForms, type CompiledPathRule, type PathRule } from "./decide/path";
import { assertRunnable, credentialSources } from "./session/compose";
import { REFUSAL_CACHE_CONTROL } from "./http/respond";
import { callbackParamOption, callbackPath, signInRedirectPath } from "./http/sign-in";
import type { AccessDeclaration, Checker } from "./types";

/** Options of {@link authorizationMiddleware}. */
export interface AuthorizationMiddlewareOptions<D extends AccessDeclaration> {
  /** The path rules (from `definePathRules`, or plain rules, which are checked here). */
  readonly rules: readonly PathRule<D>[] | readonly CompiledPathRule<D>[];
  /** Where page rules send anonymous visitors, with `?callbackUrl=<path+query>`. A path, e.g. `/signin`. */
  readonly signInPath: string;
  /**
   * A page that calls `forbidden()` (so it answers 403 with the app's `forbidden.tsx`); page rules
   * rewrite refused signed-in visits to it. Required when any rule is a page rule.
   */
  readonly forbiddenPath?: string;
  /**
   * The query parameter carrying the path to return to; give `createPageGuard` the same.
   * @default "callbackUrl" (Auth.js's)
   */
  readonly callbackParam?: string;
}

/** The function `middleware.ts` (Edge) or `proxy.ts` (Node) exports as its default. */
export type AuthorizationMiddleware = (request: NextRequest) => Promise<Response | undefined>;

/** Marks answers the middleware gave, so logs and tests can tell them from the handler's. */
export const MIDDLEWARE_LAYER_HEADER = "X-Authz-Layer";

/**
 * The request header a 403 rewrite hands to the 403 page: the name of the policy that refused.
 * Only a name, which a client can send too: a page that explains the refusal re-checks that
 * declared policy against the visitor's own session, and trusts nothing else in it.
 *
 * @example
 * const name = (await headers()).get(REFUSED_POLICY_HEADER); // "admin"
 */
export const REFUSED_POLICY_HEADER = "X-Authz-Refused-Policy";

function assertPath(name: string, value: unknown): string {
  // A plain same-origin path: one leading `/`, no query, nothing a browser could read as a host.
  if (typeof value !== "string" || !/^\/(?![/\\])[^?#\s\\]*$/.test(value)) {
    throw new AuthzConfigError(
      "invalid_middleware_options",
      `middleware option ${name}`,
      `expected a path such as "/signin", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

const isCompiled = <D extends AccessDeclaration>(
  rule: PathRule<D> | CompiledPathRule<D>,
): rule is CompiledPathRule<D> =>
  typeof (rule as Partial<CompiledPathRule<D>>).applies === "function";

/**
 * Builds the middleware for a configured kit and its path rules: an early 401/403 (or a sign-in
 * redirect and the 403 page, for page rules) from the claims checks; a bad option throws
 * `AuthzConfigError` when `middleware.ts` loads.
 *
 * @example
 * // middleware.ts (Edge), or proxy.ts (Node) with the same two exports
 * export default authorizationMiddleware(createChecker(authzOptions), {
 *   rules: pathRules,
 *   signInPath: "/signin",
 *   forbiddenPath: "/403",
 * });
 * export const config = { matcher: ["/admin/:path*", "/api/admin/:path*"] };
 * @see docs/middleware.md#what-it-checks-and-what-it-answers
 */
export function authorizationMiddleware<D extends AccessDeclaration>(
  authz: Checker,
  options: AuthorizationMiddlewareOptions<D>,
): AuthorizationMiddleware {
  if (typeof authz?.check !== "function")
    throw new AuthzConfigError(
      "invalid_middleware_options",
      "middleware options",
      "the first argument must be the kit from createChecker() or createAuthz()",
    );
  // A kit built by createAuthz (server code) may hold Node-only sources: not here, unless this
  // middleware is proxy.ts's and its options say runtime "nodejs".
  const kitOptions = authz.options;
  if (kitOptions?.session !== undefined)
    assertRunnable(credentialSources(kitOptions.session), kitOptions.runtime ?? "edge");
  const rules: readonly CompiledPathRule<D>[] = options.rules.every(isCompiled)
    ? (options.rules as readonly CompiledPathRule<D>[])
    : definePathRules(options.rules as readonly PathRule<D>[]);
  const signInPath = assertPath("signInPath", options.signInPath);
  const hasPages = rules.some((r) => r.kind === "page");
  const forbiddenPath =
    options.forbiddenPath === undefined
      ? undefined
      : assertPath("forbiddenPath", options.forbiddenPath);
  if (hasPages && forbiddenPath === undefined) {
    throw new AuthzConfigError(
      "invalid_middleware_options",
      "middleware options",
      "page rules need forbiddenPath, a page that calls forbidden()",
    );
  }
  const callbackParam = callbackParamOption(
    options.callbackParam,
    "invalid_middleware_options",
    "middleware",
  );
  // The sign-in and 403 pages must stay reachable by whoever a rule refuses, or visits loop.
  for (const [name, path] of [
    ["signInPath", signInPath],
    ["forbiddenPath", forbiddenPath],
  ] as const) {
    if (path === undefined) continue;
    const forms = pathForms(new URL(path, "http://localhost"));
    const guard = rules.find((r) => r.applies("GET", forms));
    if (guard)
      throw new AuthzConfigError(
        "invalid_middleware_options",
        `middleware option ${name}`,
        `${path} is guarded by the rule for ${guard.path}; it must stay public`,
      );
  }

  const log = authz.options?.decisionLog;

  /** The request's id, and the request headers that hand it on to the page or handler. */
  const identify = async (request: NextRequest) => {
    if (!log) return null;
    const id = await log.requestId(request);
    const headers = new Headers(request.headers);
    for (const [name, value] of Object.entries(log.forwardHeaders(id))) headers.set(name, value);
    return { id, headers };
  };
  type Identity = Awaited<ReturnType<typeof identify>>;

  const marked = (response: Response, identity: Identity): Response => {
    response.headers.set(MIDDLEWARE_LAYER_HEADER, "middleware");
    if (identity) response.headers.set(REQUEST_ID_HEADER, identity.id);
    return response;
  };

  const refuse = async (
    rule: CompiledPathRule<D> | undefined,
    decision: Deny,
    request: NextRequest,
  ): Promise<Response> => {
    const identity = await identify(request).catch(() => null);
    const method = request.method.toUpperCase();
    if (rule?.kind !== "page" || (method !== "GET" && method !== "HEAD")) {
      return marked(authz.denialResponse(decision, request), identity);
    }
    // Targets are under the app's basePath (`nextUrl.pathname` leaves it out): the sign-in
    // redirect, its callback and the 403 rewrite all stay inside the app.
    const { basePath, origin } = request.nextUrl;
    if (decision.status === 401) {
      const callback = `${basePath}${callbackPath(request.nextUrl)}`;
      const target = new URL(
        `${basePath}${signInRedirectPath(signInPath, callback, callbackParam)}`,
        origin,
      );
      const redirect = NextResponse.redirect(target, 307);
      redirect.headers.set("Cache-Control", "no-store");
      return marked(redirect, identity);
    }
    // 403, and every other refusal (errors included), shows the 403 page, as `authorize()` does.
    // A rewrite keeps the URL; the page there calls forbidden(), which sets the 403 status. Where
    // Next renders the rewrite in this request, the caching set here is kept; where it proxies the
    // rewrite to itself (`next start -H 127.0.0.1`), the page's own caching comes back, and
    // withAuthorizationConfig's header rule on forbiddenPath sets the same. The 403 page gets the
    // request id too, so it can show it for the user to quote, and the refusing policy's name.
    const target = new URL(`${basePath}${forbiddenPath ?? "/"}`, origin);
    const headers = new Headers(identity?.headers ?? request.headers);
    headers.set(REFUSED_POLICY_HEADER, rule.policy.name);
    const rewrite = NextResponse.rewrite(target, { request: { headers } });
    rewrite.headers.set("Cache-Control", REFUSAL_CACHE_CONTROL);
    return marked(rewrite, identity);
  };

  return async function authorizationMiddlewareHandler(
    request: NextRequest,
  ): Promise<Response | undefined> {
    let current: CompiledPathRule<D> | undefined;
    let matched = false;
    try {
      // nextUrl: in middleware, Next has already resolved dot segments, `/_next/data` and `?_rsc`.
      const forms = pathForms(request.nextUrl);
      for (const rule of rules) {
        if (!rule.applies(request.method, forms)) continue;
        current = rule;
        matched = true;
        // Claims only: resource ownership and rate limits need data and counters the handler has.
        const decision = await authz.check(rule.policy, request, {
          stages: "claims",
          layer: "middleware",
        });
        if (!decision.allowed) return await refuse(rule, decision, request);
      }
      // Without a decision log, pass through untouched: no NextResponse.next(), no headers, no
      // cookies. With one, hand the request id on (a request header) and answer with it.
      const identity = matched ? await identify(request) : null;
      if (!identity) return undefined;
      const next = NextResponse.next({ request: { headers: identity.headers } });
      next.headers.set(REQUEST_ID_HEADER, identity.id);
      return next;
    } catch (error) {
      // authz.check never throws; anything else here is a bug, and a bug refuses.
      console.error("[authz] middleware failed; request refused", error);
      return refuse(current, internalError("middleware"), request);
    }
  };
}
