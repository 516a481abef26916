// Rate-limit stores: memory (one process), Redis (any client with evalSha and eval), any
// @upstash/ratelimit limiter (Edge).
import { createClient } from "redis";
import { authJsSession, createAuthz, upstashRateLimitStore } from "@/lib/authz";
import {
  RATE_LIMIT_SCRIPT,
  RATE_LIMIT_SCRIPT_SHA1,
  redisRateLimitStore,
} from "@/lib/authz/rate-limit/redis";

const session = authJsSession({ secret: () => process.env.AUTH_SECRET });

// node-redis (Node runtime): reject at once while disconnected rather than queue, and keep an
// `error` listener so an outage never crashes the process. The demo's lib/redis-node.ts adds a
// lazy connect and a reconnect back-off.
const redis = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
redis.on("error", (error: unknown) => console.error("[redis]", error));
export const connected = redis.connect();

// Redis: one Lua script per hit (INCR + PEXPIRE), atomic across instances; a Redis that is down or
// slower than timeoutMs makes the kit answer 503 with Retry-After, never let the request through.
export const withRedis = createAuthz({
  session,
  rateLimitStore: redisRateLimitStore({ client: redis, prefix: "myapp:rl", timeoutMs: 200 }),
});
// Load the script at deploy time if you like: EVALSHA finds it by this SHA-1.
export const loadScript = () => redis.scriptLoad(RATE_LIMIT_SCRIPT); // resolves RATE_LIMIT_SCRIPT_SHA1
export const scriptSha = RATE_LIMIT_SCRIPT_SHA1;

// Upstash on Vercel (Edge or Node): the limiter's own limit and window apply.
//   import { Ratelimit } from "@upstash/ratelimit"; import { Redis } from "@upstash/redis";
//   const upstash = new Ratelimit({ redis: Redis.fromEnv(), limiter: Ratelimit.fixedWindow(5, "60 s") });
declare const upstash: {
  limit(id: string): Promise<{ success: boolean; limit: number; remaining: number; reset: number }>;
};
export const withUpstash = createAuthz({ session, rateLimitStore: upstashRateLimitStore(upstash) });
