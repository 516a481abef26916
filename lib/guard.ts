/**
 * The demo's configured kit for route handlers, pages and server actions (Node runtime).
 * Rate limits live in Redis when REDIS_URL is set, so every instance shares one count; otherwise in
 * this process's memory, which is right for development and a single server only.
 */
import { createAuthz, memoryRateLimitStore } from "@/lib/authz";
import { createActionGuard } from "@/lib/authz/action";
import { createPageGuard } from "@/lib/authz/server";
import { createRedisClientFromUrl, redisRateLimitStore } from "@/lib/authz-redis-node";
import { SIGN_IN_PATH } from "./auth.config";
import { kitOptions } from "./kit";

const redisUrl = process.env.REDIS_URL;

export const authz = createAuthz({
  ...kitOptions,
  rateLimitStore: redisUrl
    ? redisRateLimitStore({
        client: createRedisClientFromUrl(redisUrl),
        prefix: "next-authz-kit:rl",
      })
    : memoryRateLimitStore(),
});

export const { withAuthorization } = authz;
export const { authorize, authorizeAction } = createPageGuard(authz, { signInPath: SIGN_IN_PATH });
export const { withAuthorizationAction } = createActionGuard(authz);
