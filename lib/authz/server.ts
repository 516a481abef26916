/**
 * Policies for server components, pages and server actions. Imports `next/headers` and
 * `next/navigation`, so it is for the App Router's server side only (not for middleware.ts).
 */
import { AuthzConfigError } from "./errors";
import { forbidden, notFound, redirect } from "next/navigation";
import { actionRefusal, type ActionRefusal } from "./entry/action-refusal";
import { actionRef, currentRequest } from "./entry/next-request";
import { orgFromSegment } from "./org/segment";
import { callbackParamOption, sameOriginPath, signInRedirectPath } from "./http/sign-in";
import type {
  AccessDeclaration,
  Checker,
  Policy,
  PolicyRules,
  ResourceShape,
  SubjectFor,
} from "./types";

// Edge-safe, so middleware builds the same sign-in URLs; re-exported for pages and actions.
export { sameOriginPath, signInRedirectPath };

export type { ActionRefusal };

/** The result of `authorizeAction`: narrow on `ok`. */
export type ActionAuthorization<S> = { readonly ok: true; readonly subject: S } | ActionRefusal;

/** Options of `authorize` for a page. */
export interface PageAuthorizeOptions {
  /** The page's own path, where sign-in sends the visitor back to. @default "/" */
  readonly path?: string;
  /**
   * For an org policy: the page's `[org]` param as Next passed it (still percent-encoded; the kit
   * decodes it once, as a route handler's, lib/authz/org/segment.ts), the active org. Required with
   * an org rule.
   */
  readonly org?: string;
}

/** Options of `authorize` for a page whose policy checks a resource: the loader is required. */
export interface PageAuthorizeLoadOptions<S, Res> extends PageAuthorizeOptions {
  /** Loads the resource the policy checks (owner/tenant), once; null or undefined is the 404 page. */
  readonly load: (subject: S) => Res | null | undefined | Promise<Res | null | undefined>;
}

/** What `authorize` with a `load` option returns: the subject and the checked resource. */
export interface PageAuthorization<S, Res> {
  readonly subject: S;
  readonly resource: Res;
}

/** A policy without a resource rule (a resource rule needs `load`: a compile error otherwise). */
type WithoutResource<R> = R extends { readonly resource: object } ? never : unknown;

/** `authorize(policy, { path })`, or `authorize(policy, { path, load })` for a resource policy. */
export interface Authorize {
  <D extends AccessDeclaration, const R extends PolicyRules<D>>(
    policy: Policy<D, R> & WithoutResource<R>,
    options?: PageAuthorizeOptions,
  ): Promise<SubjectFor<D, R>>;
  <D extends AccessDeclaration, const R extends PolicyRules<D>, Res extends ResourceShape<R>>(
    policy: Policy<D, R>,
    options: PageAuthorizeLoadOptions<SubjectFor<D, R>, Res>,
  ): Promise<PageAuthorization<SubjectFor<D, R>, Res>>;
}

/**
 * A policy a page cannot run in full is refused where the page calls it, never passed silently:
 * a resource rule needs a loader, a per-address limit needs a client address source.
 */
function assertRunnable(
  policy: Policy,
  hasLoad: boolean,
  options: Checker["options"],
  where: string,
  hasOrg = false,
): void {
  if (policy.org && !hasOrg) {
    throw new AuthzConfigError(
      "invalid_page_guard",
      `${where}(${policy.name})`,
      "the policy has an org rule, so the page must pass its [org] segment as the org option",
    );
  }
  if (policy.rules.resource && !hasLoad) {
    throw new AuthzConfigError(
      "invalid_page_guard",
      `${where}(${policy.name})`,
      "the policy has a resource rule, so the page must pass a load option",
    );
  }
  if (policy.rules.rateLimit?.by === "ip" && options && !options.clientIp) {
    throw new AuthzConfigError(
      "invalid_page_guard",
      `${where}(${policy.name})`,
      `the policy counts per client address (rateLimit.by "ip"), so createAuthz needs a clientIp`,
    );
  }
}

/**
 * Builds `authorize` (pages) and `authorizeAction` (server actions) for a configured kit; both run
 * every rule of the policy, as a route handler does.
 *
 * @example
 * export const { authorize, authorizeAction } = createPageGuard(authz, { signInPath: "/signin" });
 * @see docs/pages-and-actions.md
 */
export function createPageGuard(
  authz: Pick<Checker, "check" | "options" | "requestId">,
  options: {
    readonly signInPath?: string;
    /**
     * The app's `basePath`, which the sign-in callback must carry (Next prefixes the redirect
     * itself, not the callback inside it). @default the `basePath` Next was built with
     */
    readonly basePath?: string;
    /**
     * The query parameter carrying the page to return to, as the middleware's option of the
     * same name (give both the same). @default "callbackUrl" (Auth.js's)
     */
    readonly callbackParam?: string;
  } = {},
) {
  const signInPath = options.signInPath ?? "/api/auth/signin";
  const callbackParam = callbackParamOption(
    options.callbackParam,
    "invalid_page_guard",
    "createPageGuard",
  );
  // Next inlines its basePath into server code under this name at build time.
  const basePath = options.basePath ?? process.env.__NEXT_ROUTER_BASEPATH ?? "";

  /**
   * Returns the subject the policy allows (with `load`, and the checked resource), or ends the
   * render: a sign-in redirect, the 403 page or the 404 page.
   *
   * @example
   * const subject = await authorize(policies.admin, { path: "/admin" });
   * @see docs/pages-and-actions.md#authorize-in-pages
   */
  async function authorize(
    policy: Policy,
    pageOptions: PageAuthorizeOptions & {
      readonly load?: (subject: never) => unknown;
    } = {},
  ): Promise<unknown> {
    const load = pageOptions.load as ((subject: unknown) => unknown) | undefined;
    assertRunnable(
      policy,
      load !== undefined,
      authz.options,
      "authorize",
      pageOptions.org !== undefined,
    );
    const decision = await authz.check(policy, await currentRequest(), {
      layer: "page",
      ...(pageOptions.org !== undefined ? { org: orgFromSegment(pageOptions.org, "page") } : {}),
      ...(pageOptions.path !== undefined ? { logPath: pageOptions.path } : {}),
      ...(load ? { load: async (subject: unknown) => (await load(subject)) ?? null } : {}),
    });
    if (decision.allowed) {
      return load ? { subject: decision.subject, resource: decision.resource } : decision.subject;
    }
    if (decision.status === 401)
      redirect(
        signInRedirectPath(signInPath, `${basePath}${pageOptions.path ?? "/"}`, callbackParam),
      );
    if (decision.status === 404) notFound();
    // 403 and every other refusal (429, errors) render the 403 page: never the protected content.
    forbidden();
  }

  /**
   * Checks a policy inside a server action without input, and returns a typed result instead of
   * throwing, so the action can answer its form with the refusal.
   *
   * @example
   * const auth = await authorizeAction(policies.admin);
   * if (!auth.ok) return { error: auth.message };
   * @see docs/pages-and-actions.md#authorizeaction
   */
  async function authorizeAction<D extends AccessDeclaration, R extends PolicyRules<D>>(
    policy: Policy<D, R> & (R extends { readonly resource: object } ? never : unknown),
    /** `org`: the active org's id, as `authorize` resolved it on the page (`subject.org.id`). */
    actionOptions: { readonly org?: string } = {},
  ): Promise<ActionAuthorization<SubjectFor<D, R>>> {
    const request = await currentRequest({ action: true });
    // Inside an action: the id Next resolved the call to (the Next-Action it ran), never a path.
    const logAction = actionRef(request);
    const decision = await authz.check(policy, request, {
      ...(actionOptions.org !== undefined ? { org: actionOptions.org } : {}),
      layer: "action",
      ...(logAction ? { logAction } : {}),
    });
    if (decision.allowed) return { ok: true, subject: decision.subject };
    return actionRefusal(decision, await refusalId(request));
  }

  /**
   * The id of the request being rendered, as its decision events and `X-Request-Id` carry it
   * (null without a decision log): what a refusal page shows for the user to quote to support.
   *
   * @example
   * const id = await requestId(); // in app/forbidden.tsx
   */
  /** The id a refusal's events carry (the log memoizes it per request), for the form to show. */
  async function refusalId(request: Request): Promise<string | null> {
    return authz.requestId ? authz.requestId(request).catch(() => null) : null;
  }

  async function requestId(): Promise<string | null> {
    return authz.requestId ? authz.requestId(await currentRequest()) : null;
  }

  return { authorize: authorize as Authorize, authorizeAction, requestId };
}
