/**
 * The edge-safe half of the demo's Auth.js setup: only an object (no providers that need Node),
 * as Auth.js v5 recommends, so middleware-side code may import it.
 */
import type { NextAuthConfig } from "next-auth";

export const SIGN_IN_PATH = "/signin";

export const authConfig = {
  session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
  // Vercel and `next start` behind our own proxies set the host; the demo trusts it like Auth.js's
  // own Vercel default does.
  trustHost: true,
  pages: { signIn: SIGN_IN_PATH },
  providers: [],
  callbacks: {
    // The claims the kit reads: id (sub), role, tenant, plan. Copied from the user at sign-in only.
    jwt({ token, user }) {
      if (user) {
        const u = user as { id?: string; role?: string; tenant?: string; plan?: string };
        if (u.id) token.sub = u.id;
        token.role = u.role;
        token.tenant = u.tenant;
        token.plan = u.plan;
        // The time of this interactive sign-in (OIDC's auth_time): fresh sign-in rules read it.
        // Set here only, so a session refresh (which renews iat) never makes it newer.
        token.auth_time = Math.floor(Date.now() / 1000);
      }
      return token;
    },
    session({ session, token }) {
      return {
        ...session,
        user: {
          ...session.user,
          id: token.sub ?? "",
          role: token.role,
          tenant: token.tenant,
          plan: token.plan,
        },
      };
    },
  },
} satisfies NextAuthConfig;
