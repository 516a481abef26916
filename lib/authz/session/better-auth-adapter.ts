/**
 * Better Auth sessions decided by Better Auth itself: `auth.api.getSession` with the request's
 * headers. It only calls the function it is given, so the file is edge-safe; the source is declared
 * `runtime: "node"` because Better Auth's `getSession` reads a database. The `Set-Cookie` lines
 * Better Auth emits (a refreshed session or cache) ride on the result (`auth.responseHeaders`), and
 * `withAuthorization` appends them to the answer that lets the request through; a refusal never
 * sets a cookie. `setCookies(request)` hands them back where no kit wrapper builds the answer.
 *
 * @see docs/sessions.md#better-auth
 */
import { betterAuthClaims, betterAuthDateMs, type BetterAuthSessionLike } from "./better-auth";
import type { Authenticated, CredentialSource, SourceOutcome } from "./credential";
import type { SessionClaims } from "./source";

/** What `auth.api.getSession({ headers, returnHeaders: true })` answers. */
export interface BetterAuthGetSessionResult {
  readonly headers: Headers | null | undefined;
  readonly response: BetterAuthSessionLike | null;
}

/** The one call the adapter makes: a Better Auth instance (`betterAuth({...})`) fits it. */
export interface BetterAuthLike {
  readonly api: {
    getSession(input: {
      headers: Headers;
      returnHeaders: true;
      query?: { disableCookieCache?: boolean };
    }): Promise<BetterAuthGetSessionResult>;
  };
}

/** Options of {@link sessionFromBetterAuth}. */
export interface SessionFromBetterAuthOptions {
  /**
   * Ask Better Auth's database on every request (`disableCookieCache`): a sign-out or a revoked
   * session is refused at once, at the cost of one session read per request.
   * @default false
   */
  readonly authoritative?: boolean;
  /** Maps the session into the kit's claims; `null` refuses it. @default betterAuthClaims */
  readonly toClaims?: (session: BetterAuthSessionLike) => SessionClaims | null;
}

/** A node {@link CredentialSource} that also hands back the cookies Better Auth set for a request. */
export interface BetterAuthNodeSource extends CredentialSource {
  /** The `Set-Cookie` lines Better Auth emitted while reading `request` (empty when none). */
  setCookies(request: Request): readonly string[];
}

// A session token cookie under any prefix: `<prefix>.session_token`, `__Secure-…`, legacy `-`.
const TOKEN_COOKIE = /(?:^|;)\s*[^=;]*[.-]session_token=[^;\s]/;

/**
 * A {@link CredentialSource} over Better Auth's own `auth.api.getSession` (Node: it reads the
 * database). `authoritative: true` bypasses the cookie cache, for revocation-sensitive policies.
 *
 * @example
 * import { auth } from "@/lib/auth"; // betterAuth({...})
 * export const authoritativeSession = sessionFromBetterAuth(auth, { authoritative: true });
 * const outcome = await authoritativeSession.read(request);
 * for (const line of authoritativeSession.setCookies(request)) response.headers.append("Set-Cookie", line);
 * @see docs/sessions.md#better-auth
 */
export function sessionFromBetterAuth(
  auth: BetterAuthLike,
  options: SessionFromBetterAuthOptions = {},
): BetterAuthNodeSource {
  const { authoritative = false, toClaims = betterAuthClaims } = options;
  const emitted = new WeakMap<Request, readonly string[]>();
  const name = authoritative ? "better-auth:authoritative" : "better-auth:node";

  async function read(request: Request): Promise<SourceOutcome> {
    // A throw (the database is down) propagates: the kit answers 503, never anonymous.
    const result = await auth.api.getSession({
      headers: request.headers,
      returnHeaders: true,
      ...(authoritative ? { query: { disableCookieCache: true } } : {}),
    });
    const lines = result.headers?.getSetCookie() ?? [];
    if (lines.length > 0) emitted.set(request, lines);
    const found = result.response;
    if (!found) {
      const sent = TOKEN_COOKIE.test(request.headers.get("cookie") ?? "");
      return sent
        ? { status: "invalid", error: "invalid_token", description: "session not found" }
        : { status: "none" };
    }
    const claims = toClaims(found);
    if (claims === null)
      return { status: "invalid", error: "invalid_token", description: "session refused" };
    const expiresMs = betterAuthDateMs(found.session.expiresAt);
    const createdMs = betterAuthDateMs(found.session.createdAt);
    const auth_: Authenticated = {
      claims,
      kind: "user",
      credential: "session",
      source: name,
      sessionId: found.session.id,
      ...(Number.isFinite(expiresMs) ? { expiresAt: Math.floor(expiresMs / 1000) } : {}),
      ...(Number.isFinite(createdMs) ? { authTime: Math.floor(createdMs / 1000) } : {}),
      // The refreshed session or cookie cache: `withAuthorization` appends them to the answer.
      ...(lines.length > 0
        ? { responseHeaders: lines.map((line) => ["Set-Cookie", line] as const) }
        : {}),
    };
    return { status: "ok", auth: auth_ };
  }

  return {
    name,
    kind: "session",
    runtime: "node",
    read,
    setCookies: (request) => emitted.get(request) ?? [],
  };
}
