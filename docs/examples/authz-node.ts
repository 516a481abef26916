// lib/authz-node.ts (Node runtime): the configured kit for route handlers, pages and server actions.
import { createAuthz, memoryRateLimitStore } from "@/lib/authz";
import { createPageGuard } from "@/lib/authz/server";
import { authzOptions } from "./authz-edge";

export const authz = createAuthz({
  ...authzOptions,
  // One process only: use the Redis store (or Upstash) when you run more than one instance.
  rateLimitStore: memoryRateLimitStore({ maxKeys: 50_000 }),
});

export const { withAuthorization } = authz;

// Pages and server components; server actions: see lib/authz/action (withAuthorizationAction).
// signInPath: Auth.js's own sign-in page (NextAuth v4's too), or your own page's path.
export const { authorize, authorizeAction } = createPageGuard(authz, {
  signInPath: "/api/auth/signin",
});
