/**
 * Policies for server components, pages and server actions. Imports `next/headers` and
 * `next/navigation`, so it is for the App Router's server side only (not for middleware.ts).
 */
import { forbidden, notFound, redirect } from "next/navigation";
import type { AccessDeclaration } from "./access";
import type { Authz, SubjectFor } from "./authz";
import type { DenyCode, DenyDetails, DenyStatusCode } from "./decision";
import { currentRequest } from "./next-request";
import { sameOriginPath, signInRedirectPath } from "./path";
import type { Policy, PolicyRules } from "./policy";

// Edge-safe, so middleware builds the same sign-in URLs; re-exported for pages and actions.
export { sameOriginPath, signInRedirectPath };

/** What a server action gets back when a policy refuses: plain data, safe to return to the client. */
export interface ActionRefusal {
  readonly ok: false;
  readonly status: DenyStatusCode;
  readonly code: DenyCode;
  readonly message: string;
  readonly details: DenyDetails;
}

/** The result of `authorizeAction`: narrow on `ok`. */
export type ActionAuthorization<S> = { readonly ok: true; readonly subject: S } | ActionRefusal;

/**
 * Builds `authorize` (pages and server components) and `authorizeAction` (server actions) for a
 * configured kit. `authorize` runs the claims checks (IP, session, role, permission, feature);
 * `authorizeAction` runs every rule (see `withAuthorizationAction` for input and resources).
 *
 * @example
 * export const { authorize, authorizeAction } = createPageGuard(authz, { signInPath: "/signin" });
 */
export function createPageGuard(
  authz: Pick<Authz, "check">,
  options: { readonly signInPath?: string } = {},
) {
  const signInPath = options.signInPath ?? "/api/auth/signin";

  /**
   * Returns the subject the policy allows, or ends the render: anonymous visitors are redirected
   * to sign-in (back to `path` afterwards), refused ones see the 403 page (`forbidden()`), and a
   * concealed resource the 404 page.
   *
   * @example
   * export default async function AdminPage() {
   *   const subject = await authorize(policies.admin, { path: "/admin" });
   *   return <h1>Hello {subject.name}</h1>;
   * }
   */
  async function authorize<D extends AccessDeclaration, R extends PolicyRules<D>>(
    policy: Policy<D, R>,
    pageOptions: { readonly path?: string } = {},
  ): Promise<SubjectFor<D, R>> {
    const decision = await authz.check(policy, await currentRequest(), { stages: "claims" });
    if (decision.allowed) return decision.subject;
    if (decision.status === 401) redirect(signInRedirectPath(signInPath, pageOptions.path ?? "/"));
    if (decision.status === 404) notFound();
    // 403 and every other refusal (429, errors) render the 403 page: never the protected content.
    forbidden();
  }

  /**
   * Checks a policy inside a server action that takes no input and returns a typed result instead
   * of throwing, so the action can answer its form with the refusal. It runs every rule, the rate
   * limit included; a policy with a resource rule is a compile error here (it needs a loader: use
   * `withAuthorizationAction` with `load`) and, reached anyway, a refusal, never a silent pass.
   *
   * @example
   * const auth = await authorizeAction(policies.admin);
   * if (!auth.ok) return { error: auth.message };
   */
  async function authorizeAction<D extends AccessDeclaration, R extends PolicyRules<D>>(
    policy: Policy<D, R> & (R extends { readonly resource: object } ? never : unknown),
  ): Promise<ActionAuthorization<SubjectFor<D, R>>> {
    const decision = await authz.check(policy, await currentRequest());
    if (decision.allowed) return { ok: true, subject: decision.subject };
    return {
      ok: false,
      status: decision.status,
      code: decision.code,
      message: decision.message,
      details: decision.details,
    };
  }

  return { authorize, authorizeAction };
}
