// Rate-limit stores: memory (one process), Redis (Node runtime), any @upstash/ratelimit limiter (Edge).
import { createAuthz, fromUpstashLimiter, authJsSession } from "@/lib/authz";
import {
  createRedisClientFromUrl,
  RATE_LIMIT_SCRIPT,
  redisRateLimitStore,
} from "@/lib/authz-redis-node";

const session = authJsSession({ secret: () => process.env.AUTH_SECRET });

// Redis: one Lua script per hit (INCR + PEXPIRE), atomic across instances; a Redis that is down or
// slower than timeoutMs makes the kit answer 503 with Retry-After, never let the request through.
const redis = createRedisClientFromUrl(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
export const withRedis = createAuthz({
  session,
  rateLimitStore: redisRateLimitStore({ client: redis, prefix: "myapp:rl", timeoutMs: 200 }),
});
export const scriptLines = RATE_LIMIT_SCRIPT.split("\n").length;

// Upstash on Vercel (Edge or Node): the limiter's own limit and window apply.
//   import { Ratelimit } from "@upstash/ratelimit"; import { Redis } from "@upstash/redis";
//   const upstash = new Ratelimit({ redis: Redis.fromEnv(), limiter: Ratelimit.fixedWindow(5, "60 s") });
declare const upstash: {
  limit(id: string): Promise<{ success: boolean; limit: number; remaining: number; reset: number }>;
};
export const withUpstash = createAuthz({ session, rateLimitStore: fromUpstashLimiter(upstash) });
