/**
 * NODE.JS RUNTIME ONLY. The kit for route handlers, pages and server actions: the shared options of
 * ./authz-edge.ts plus a rate-limit store. Never import it from middleware.ts.
 */
import { createAuthz, memoryRateLimitStore } from "./authz";
import { createActionGuard } from "./authz/action";
import { createPageGuard } from "./authz/server";
import { authzOptions, SIGN_IN_PATH } from "./authz-edge";

export const authz = createAuthz({
  ...authzOptions,
  // One process only: with several instances use the Redis store (the authz-redis item).
  rateLimitStore: memoryRateLimitStore({ maxKeys: 50_000 }),
});

export const { withAuthorization } = authz;
export const { authorize, authorizeAction } = createPageGuard(authz, { signInPath: SIGN_IN_PATH });
export const { withAuthorizationAction } = createActionGuard(authz);
