/**
 * EDGE-SAFE. Which sign-in library the demo runs on, read once at start: `AUTH_PROVIDER=better-auth`
 * runs it on Better Auth (mounted at /api/auth/*), anything else (the default) on Auth.js. Also the
 * Better Auth settings both halves must agree on: the secret, the cookie cache strategy, the
 * `__Secure-` decision and how a Better Auth user becomes the kit's claims.
 */
import {
  betterAuthSession,
  parseBetterAuthRoles,
  type BetterAuthSessionLike,
  type CredentialSource,
} from "@/lib/authz";
import { demoUsers } from "./demo/users";

/** The demo's sign-in library. */
export type AuthProvider = "authjs" | "better-auth";

export const AUTH_PROVIDER: AuthProvider =
  process.env.AUTH_PROVIDER === "better-auth" ? "better-auth" : "authjs";

/** Better Auth's cookie cache strategy: `BETTER_AUTH_COOKIE_CACHE` (`compact`, `jwt`, `jwe`). */
export const BETTER_AUTH_STRATEGY = ((): "compact" | "jwt" | "jwe" => {
  const value = process.env.BETTER_AUTH_COOKIE_CACHE ?? "compact";
  if (value !== "compact" && value !== "jwt" && value !== "jwe")
    throw new Error(`BETTER_AUTH_COOKIE_CACHE must be compact, jwt or jwe, not "${value}"`);
  return value;
})();

/** The cookie cache lifetime: a sign-out reaches non-authoritative policies within it. */
export const BETTER_AUTH_CACHE_SECONDS = 300;

/** Better Auth's `__Secure-` decision, made once: an `https://` BETTER_AUTH_URL. */
export const BETTER_AUTH_SECURE = (process.env.BETTER_AUTH_URL ?? "").startsWith("https://");

/** The secret Better Auth signs with: BETTER_AUTH_SECRET, else the demo's AUTH_SECRET. */
export const betterAuthSecret = (): string | undefined =>
  process.env.BETTER_AUTH_SECRET || process.env.AUTH_SECRET || undefined;

/**
 * A Better Auth session in the kit's vocabulary: roles from Better Auth's `user.role` comma list,
 * tenant and plan from the demo's own account data (never a raw Better Auth field); a user the demo
 * does not know is refused.
 */
export function demoClaimsFromBetterAuth({ user }: BetterAuthSessionLike) {
  const account = demoUsers.find((u) => u.id === user.id);
  if (!account) return null;
  return {
    sub: account.id,
    email: user.email,
    name: typeof user.name === "string" ? user.name : null,
    roles: parseBetterAuthRoles(user.role),
    tenant: account.tenant,
    plan: account.plan,
  };
}

/** Better Auth's session cookie under this configuration, as the demo's 401 challenge names it. */
export const BETTER_AUTH_TOKEN_COOKIE = `${BETTER_AUTH_SECURE ? "__Secure-" : ""}better-auth.session_token`;

/**
 * The edge-safe Better Auth source: middleware decides from the cookie cache, and so do handlers
 * while it is valid. Without its own challenge: the demo's (lib/authz-edge.ts) answers every 401
 * for cookies, in every layer and under either provider.
 */
export const betterAuthEdgeSession = (): CredentialSource => ({
  ...betterAuthSession({
    secret: betterAuthSecret,
    strategy: BETTER_AUTH_STRATEGY,
    secure: BETTER_AUTH_SECURE,
    toClaims: demoClaimsFromBetterAuth,
  }),
  challenge: undefined,
});
