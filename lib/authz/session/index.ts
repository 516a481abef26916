/**
 * The kit's session readers, edge-safe except `sessionFromAuth` (which only calls the function it
 * is given; the Node-only part is Auth.js's `auth` itself).
 */
export type { SessionClaims, SessionSource } from "./source";
export { authJsSession, AUTHJS_COOKIE_NAME, type AuthJsSessionOptions } from "./authjs";
export {
  nextAuthV4Session,
  NEXTAUTH_V4_COOKIE_NAME,
  type NextAuthV4SessionOptions,
} from "./nextauth-v4";
export { sessionFromAuth, type AuthFunction, type AuthSessionLike } from "./auth-adapter";
export {
  BETTER_AUTH_COOKIE_PREFIX,
  betterAuthClaims,
  betterAuthSession,
  parseBetterAuthRoles,
  type BetterAuthCachePayload,
  type BetterAuthCacheStrategy,
  type BetterAuthCacheVersion,
  type BetterAuthSecret,
  type BetterAuthSessionLike,
  type BetterAuthSessionOptions,
} from "./better-auth";
export {
  sessionFromBetterAuth,
  type BetterAuthGetSessionResult,
  type BetterAuthLike,
  type BetterAuthNodeSource,
  type SessionFromBetterAuthOptions,
} from "./better-auth-adapter";
export { parseCookieHeader, readChunkedCookie } from "./cookies";
export { authJsSecrets } from "./secrets";
export type { JwtSessionOptions, SecretInput } from "./jwt-cookie-source";
export {
  decryptJwt,
  isCurrentToken,
  DEFAULT_CLOCK_TOLERANCE_SEC,
  DEFAULT_MAX_TOKEN_BYTES,
  type DecryptOptions,
  type JweEncryption,
  type JweHeader,
  type JweKey,
  type KeyResolver,
} from "./jwe";
export { deriveJweKey, type KeyDerivation } from "./key-derivation";
export {
  verifyJws,
  importJwsKey,
  importSpkiPem,
  importHmacSecret,
  JWS_ALGORITHMS,
  DEFAULT_MAX_JWS_BYTES,
  type JwsAlgorithm,
  type JwsHeader,
  type JwsKey,
  type JwsKeyResolver,
  type VerifiedJws,
  type VerifyJwsOptions,
} from "./jws";
export { jwksCache, clearJwksCaches, JwksUnavailableError, type JwksCacheOptions } from "./jwks";
export type { ToClaims } from "./token-source";
export { signedCookie, defaultSignedCookieClaims, type SignedCookieOptions } from "./signed-cookie";
export { sealedCookie, defaultSealedCookieClaims, type SealedCookieOptions } from "./sealed-cookie";
export { clerkSession, defaultClerkClaims, type ClerkSessionOptions } from "./clerk";
export { supabaseSession, defaultSupabaseClaims, type SupabaseSessionOptions } from "./supabase";
