/**
 * Node runtime only. Adapts Auth.js's own `auth()` into a SessionSource, for database sessions
 * that only Auth.js's adapter can resolve. For JWT sessions prefer `authJsSession`.
 *
 * @see docs/sessions.md#database-sessions
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
 * A {@link SessionSource} over Auth.js's `auth()`: the session's user with `sub` set to its id.
 *
 * @example
 * import { auth } from "@/lib/auth";
 * export const session = sessionFromAuth(auth);
 * @see docs/sessions.md#database-sessions
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
