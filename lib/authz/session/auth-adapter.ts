/**
 * Node runtime only. Adapts Auth.js's own `auth()` into a SessionSource for apps whose sessions
 * live in a database (`session: { strategy: "database" }`), where the cookie is an opaque id and
 * only Auth.js, through its adapter, can resolve it. `auth()` reads the request through Next's
 * `headers()`, so it works in route handlers, server components and server actions, not in Edge
 * middleware (database adapters need Node) nor outside a Next request (tests included).
 * For JWT sessions prefer `authJsSession`: it needs no request scope and costs far less.
 */
import { AuthzConfigError } from "../errors";
import type { SessionClaims, SessionSource } from "./source";

/**
 * The part of an Auth.js `Session` this adapter reads, typed structurally so that the kit does not
 * import next-auth (Auth.js's `Session` is assignable to it).
 */
export interface AuthSessionLike {
  readonly user?: { readonly id?: string | null } | null;
}

/**
 * Auth.js's `auth` (from `NextAuth(...)`), called with no arguments.
 */
export type AuthFunction = () => Promise<AuthSessionLike | null | undefined>;

/**
 * A {@link SessionSource} over Auth.js's `auth()`: yields the session's user with `sub` set to its
 * id, or `null` when there is no session or the user has no id (without an id nothing can be
 * owned, so such a session is not treated as signed in). A throwing `auth()` propagates, which the
 * kit turns into a refusal.
 *
 * @example
 * import { auth } from "@/lib/auth";
 * export const session = sessionFromAuth(auth);
 */
export function sessionFromAuth(auth: AuthFunction): SessionSource {
  if (typeof auth !== "function")
    throw new AuthzConfigError(
      "invalid_session_options",
      "sessionFromAuth options",
      "`auth` must be Auth.js's auth function",
    );
  // The request is unused on purpose: `auth()` finds it through Next's request scope.
  return async function readAuthSession(): Promise<SessionClaims | null> {
    const session = await auth();
    const user = session?.user;
    if (!user || typeof user !== "object") return null;
    const { id } = user;
    if (typeof id !== "string" || id.length === 0) return null;
    return Object.freeze({ ...user, sub: id });
  };
}
