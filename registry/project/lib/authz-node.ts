/**
 * The kit for route handlers, pages and server actions (Node.js runtime): the shared options plus a
 * rate-limit store. Never import it from middleware.ts.
 */
import { createAuthz, memoryRateLimitStore } from "./authz";
import { createPageGuard } from "./authz/server";
import { authzOptions, SIGN_IN_PATH } from "./authz-edge";

export const authz = createAuthz({
  ...authzOptions,
  // One process only: with several instances use the Redis store (the authz-redis item).
  rateLimitStore: memoryRateLimitStore({ maxKeys: 50_000 }),
});

export const { withAuthorization } = authz;
export const { authorize, authorizeAction } = createPageGuard(authz, { signInPath: SIGN_IN_PATH });
