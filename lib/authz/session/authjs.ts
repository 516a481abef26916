/**
 * Reads Auth.js v5 (`next-auth@5`, `@auth/core`) JWT session cookies on any runtime, without
 * importing Auth.js: several times cheaper per request than its `decode` (bench/session-read.bench.ts)
 * and a few microseconds on a cache hit.
 */
import type { JweKey } from "./jwe";
import { deriveJweKey } from "./key-derivation";
import { createJwtCookieSource, type JwtSessionOptions } from "./jwt-cookie-source";
import type { SessionSource } from "./source";

/**
 * Options of {@link authJsSession}.
 */
export type AuthJsSessionOptions = JwtSessionOptions;

/**
 * Auth.js's session cookie name over HTTP; on HTTPS it is `__Secure-authjs.session-token`.
 *
 * @example
 * authJsSession({ secret, cookieName: `__Secure-${AUTHJS_COOKIE_NAME}` }); // always the HTTPS name
 */
export const AUTHJS_COOKIE_NAME = "authjs.session-token";

/**
 * A {@link SessionSource} for Auth.js v5 JWT session cookies, read without importing Auth.js.
 *
 * @example
 * export const session = authJsSession({ secret: () => process.env.AUTH_SECRET });
 * const claims = await session(request); // { sub, email, role, ... } or null
 * @see docs/sessions.md#authjs-v5-cookies
 */
export function authJsSession(options: AuthJsSessionOptions): SessionSource {
  return createJwtCookieSource(options, {
    label: "authJsSession",
    defaultCookieName: AUTHJS_COOKIE_NAME,
    encs: ["A256CBC-HS512", "A256GCM"],
    // Mirrors Auth.js's key resolver: a `kid` picks the secret whose key has that thumbprint (no
    // trial decryption with the others); a token without `kid` is tried with the current secret only.
    keys: (secrets, cookieName) => async (header) => {
      const [current] = secrets;
      if (header.kid === undefined) {
        return current === undefined
          ? []
          : [await deriveJweKey(current, cookieName, "authjs", header.enc)];
      }
      for (const secret of secrets) {
        const key: JweKey = await deriveJweKey(secret, cookieName, "authjs", header.enc);
        if (key.kid === header.kid) return [key];
      }
      return [];
    },
  });
}
