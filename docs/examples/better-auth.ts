// Better Auth: the Edge source reads its signed token and cookie cache; the Node source asks Better
// Auth itself; the organization plugin's member table is the membership store.
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { organization } from "better-auth/plugins";
import {
  BETTER_AUTH_COOKIE_PREFIX,
  betterAuthClaims,
  betterAuthMembers,
  betterAuthSession,
  parseBetterAuthRoles,
  sessionFromBetterAuth,
  subjectFreshness,
} from "@/lib/authz";

const secure = process.env.NODE_ENV === "production"; // Better Auth's own default for __Secure-

export const auth = betterAuth({
  secret: process.env.BETTER_AUTH_SECRET,
  database: memoryAdapter({ user: [], session: [], account: [], verification: [], member: [] }),
  session: { cookieCache: { enabled: true, strategy: "compact", maxAge: 300 } },
  telemetry: { enabled: false },
  plugins: [organization()],
});

// middleware.ts (Edge): decides from the cookie cache; an expired cache is "unknown", and the
// request goes on to the handler.
export const edgeSession = betterAuthSession({
  secret: () => process.env.BETTER_AUTH_SECRET,
  strategy: "compact", // or "jwt" or "jwe", as session.cookieCache.strategy
  cookiePrefix: BETTER_AUTH_COOKIE_PREFIX,
  secure,
  // Roles from user.role (a comma list); tenant and plan from your own account data.
  toClaims: (p) => ({ ...betterAuthClaims(p), roles: parseBetterAuthRoles(p.user.role) }),
});

// Route handlers, pages, actions (Node): Better Auth decides; authoritative skips the cache, so a
// sign-out is refused at once (one session read per request).
export const nodeSession = sessionFromBetterAuth(auth);
export const authoritativeSession = sessionFromBetterAuth(auth, { authoritative: true });

// Memberships from the organization plugin's member table, through Better Auth's adapter.
export const subjects = subjectFreshness({
  source: betterAuthMembers((await auth.$context).adapter),
  maxAgeMs: 2_000,
});
