/**
 * Reads NextAuth v4 (`next-auth@4`) JWT session cookies on any runtime, for apps that have not
 * moved to Auth.js v5 or that must accept both during a migration.
 */
import { deriveJweKey } from "./key-derivation";
import { createJwtCookieSource, type JwtSessionOptions } from "./jwt-cookie-source";
import type { SessionSource } from "./source";

/**
 * Options of {@link nextAuthV4Session}.
 */
export type NextAuthV4SessionOptions = JwtSessionOptions;

/**
 * NextAuth v4's session cookie name over HTTP; on HTTPS it is `__Secure-next-auth.session-token`.
 *
 * @example
 * nextAuthV4Session({ secret, cookieName: NEXTAUTH_V4_COOKIE_NAME }); // the plain name even on HTTPS
 */
export const NEXTAUTH_V4_COOKIE_NAME = "next-auth.session-token";

/**
 * A {@link SessionSource} for NextAuth v4 JWT session cookies (rotation lists included).
 *
 * @example
 * export const session = nextAuthV4Session({ secret: () => process.env.NEXTAUTH_SECRET });
 * @see docs/sessions.md#nextauth-v4-cookies
 */
export function nextAuthV4Session(options: NextAuthV4SessionOptions): SessionSource {
  return createJwtCookieSource(options, {
    label: "nextAuthV4Session",
    defaultCookieName: NEXTAUTH_V4_COOKIE_NAME,
    encs: ["A256GCM"],
    // v4 tokens carry no `kid`, so every secret is a candidate; GCM rejects a wrong key cheaply.
    keys: (secrets) => (header) =>
      Promise.all(secrets.map((secret) => deriveJweKey(secret, "", "nextauth-v4", header.enc))),
  });
}
