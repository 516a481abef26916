/**
 * NODE.JS RUNTIME ONLY. The former home of the Redis rate-limit store, kept so that existing
 * imports work: the store now lives in the kit's folder (`lib/authz/rate-limit/redis.ts`) and the
 * node-redis client in the demo's `lib/redis-node.ts`.
 *
 * @deprecated Import `redisRateLimitStore` from `@/lib/authz/rate-limit/redis`, and make the
 * client as `lib/redis-node.ts` does.
 */
export {
  RATE_LIMIT_SCRIPT,
  redisRateLimitStore,
  type RedisLike,
  type RedisRateLimitStoreOptions,
} from "./authz/rate-limit/redis";
export {
  createRedisClientFromUrl,
  type LazyRedisClient,
  type RedisClientFromUrlOptions,
} from "./redis-node";
