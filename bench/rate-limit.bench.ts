/**
 * Rate-limit throughput: memory store decisions/s, Redis store decisions/s with 64 hits in flight,
 * and a raw INCR baseline on the same server with the same concurrency (node-redis pipelines
 * commands issued together, so the baseline is what the wire and server allow). Target: the Redis
 * store reaches at least half the raw INCR rate; the gap is the Lua script, the timeout timer and
 * the reply checks.
 *
 * Loaded by the bench runner with Vite's `runnerImport('/work/main/bench/rate-limit.bench.ts')`.
 */
import { redisRateLimitStore } from "../lib/authz/rate-limit/redis";
import { createRedisClientFromUrl } from "../lib/redis-node";
import { memoryRateLimitStore } from "../lib/authz/rate-limit/memory";

const CONCURRENCY = 64;
const KEYS = 1_000;
const WARMUP_MS = 300;
const MEASURE_MS = 1_500;
const RULE = { limit: 1_000_000_000, windowMs: 60_000 };

/** Runs `op` from `workers` loops for `ms` after a warm-up; returns completed ops per second. */
async function rate(
  op: (i: number) => Promise<unknown>,
  workers: number,
  ms: number,
): Promise<number> {
  let stop = false;
  let count = 0;
  let counting = false;
  const loop = async (w: number) => {
    for (let i = w; !stop; i += workers) {
      await op(i);
      if (counting) count++;
    }
  };
  const loops = Array.from({ length: workers }, (_, w) => loop(w));
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  counting = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const elapsed = performance.now() - started;
  const done = count;
  stop = true;
  await Promise.all(loops);
  return Math.round((done * 1000) / elapsed);
}

/** Memory store: a synchronous core behind a promise, so time-box by decisions rather than timers. */
async function memoryRate(ms: number): Promise<number> {
  const store = memoryRateLimitStore({ maxKeys: 10_000 });
  for (let i = 0; i < 20_000; i++) await store.consume(`k${i % KEYS}`, RULE); // warm-up (JIT)
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let j = 0; j < 10_000; j++, n++) await store.consume(`k${n % KEYS}`, RULE);
    elapsed = performance.now() - started;
  }
  return Math.round((n * 1000) / elapsed);
}

/**
 * Measures memory and Redis rate-limit throughput against a raw pipelined INCR baseline.
 *
 * @param redisUrl A Redis the bench may write to (keys under `bench:rl:` and `bench:raw:`, removed after).
 * @example
 * const { module } = await runnerImport<typeof import("./rate-limit.bench")>("/work/main/bench/rate-limit.bench.ts");
 * console.log(await module.benchRateLimit("redis://127.0.0.1:6379"));
 */
export async function benchRateLimit(redisUrl: string): Promise<{
  memoryOpsPerSec: number;
  redisOpsPerSec: number;
  rawIncrOpsPerSec: number;
  redisVsRawRatio: number;
}> {
  const memoryOpsPerSec = await memoryRate(MEASURE_MS);

  const redis = createRedisClientFromUrl(redisUrl, { onError: () => {} });
  try {
    await redis.connect();
    // A generous timeout: the bench measures throughput, a timeout would only hide a slow run.
    const store = redisRateLimitStore({ client: redis, prefix: "bench:rl", timeoutMs: 5_000 });
    const rawIncrOpsPerSec = await rate(
      (i) => redis.client.incr(`bench:raw:${i % KEYS}`),
      CONCURRENCY,
      MEASURE_MS,
    );
    const redisOpsPerSec = await rate(
      (i) => store.consume(String(i % KEYS), RULE),
      CONCURRENCY,
      MEASURE_MS,
    );
    const rawKeys = Array.from({ length: KEYS }, (_, i) => `bench:raw:${i}`);
    await redis.client.del(rawKeys);
    return {
      memoryOpsPerSec,
      redisOpsPerSec,
      rawIncrOpsPerSec,
      redisVsRawRatio: Math.round((redisOpsPerSec / rawIncrOpsPerSec) * 100) / 100,
    };
  } finally {
    await redis.close();
  }
}
