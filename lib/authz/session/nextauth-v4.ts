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
 * A {@link SessionSource} for NextAuth v4 JWT sessions (`dir` + `A256GCM`, key from HKDF-SHA-256
 * over the secret with an empty salt, whatever the cookie is called).
 * A secret list is tried in order: v4 itself takes one secret, so rotation is this reader's addition.
 *
 * @param options.secret `NEXTAUTH_SECRET`, a rotation list, or a function read per request
 * @param options.cookieName @default "__Secure-next-auth.session-token" on HTTPS, else "next-auth.session-token"
 * @param options.clockToleranceSec @default 15
 * @param options.maxTokenBytes @default 16384
 * @param options.cache @default { max: 1000 }
 * @example
 * export const session = nextAuthV4Session({ secret: () => process.env.NEXTAUTH_SECRET });
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
