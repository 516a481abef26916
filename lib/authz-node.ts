/**
 * NODE.JS RUNTIME ONLY. The demo's configured kit for route handlers, pages and server actions:
 * the edge-safe options of lib/authz-edge.ts plus the rate-limit store. Rate limits live in Redis
 * when REDIS_URL is set, so every instance shares one count; otherwise in this process's memory,
 * which is right for development and a single server only.
 */
import { createAuthz, memoryRateLimitStore } from "@/lib/authz";
import { createActionGuard } from "@/lib/authz/action";
import { redisRateLimitStore } from "@/lib/authz/rate-limit/redis";
import { createPageGuard } from "@/lib/authz/server";
import { SIGN_IN_PATH } from "./auth.config";
import { authzOptions } from "./authz-edge";
import { decisionLog } from "./decision-log-node";
import { createRedisClientFromUrl } from "./redis-node";

const redisUrl = process.env.REDIS_URL;

export const authz = createAuthz({
  ...authzOptions,
  rateLimitStore: redisUrl
    ? redisRateLimitStore({
        client: createRedisClientFromUrl(redisUrl),
        prefix: "next-authz-kit:rl",
      })
    : memoryRateLimitStore(),
  decisionLog,
});

export const { withAuthorization } = authz;
export const { authorize, authorizeAction, requestId } = createPageGuard(authz, {
  signInPath: SIGN_IN_PATH,
});
export const { withAuthorizationAction } = createActionGuard(authz);
