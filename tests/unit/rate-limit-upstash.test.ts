/**
 * `upstashRateLimitStore` against the real `@upstash/ratelimit` (a devDependency, for this test only:
 * the kit itself stays free of it). At compile time: a real `Ratelimit` is an `UpstashLikeLimiter`,
 * and the result fields the adapter reads have the types it expects (checked by `tsc --noEmit -p .`,
 * the typecheck step of `npm test`). At run time: the real `Ratelimit.fixedWindow` code computes its
 * results from Redis replies recorded from its fixed-window script (`[tokens used, limit]`), so the
 * adapter meets the library's own results, timeouts included. Only the Redis transport is stood in
 * for: Upstash's REST endpoint is not reachable from tests.
 */
import { Ratelimit } from "@upstash/ratelimit";
import { describe, expect, expectTypeOf, it } from "vitest";
import { upstashRateLimitStore, type UpstashLikeLimiter } from "@/lib/authz/rate-limit/upstash";

type UpstashResult = Awaited<ReturnType<Ratelimit["limit"]>>;
type KitReads = Awaited<ReturnType<UpstashLikeLimiter["limit"]>>;

/** What Upstash's Redis answers `EVALSHA <fixed window script>`: tokens used so far, the limit. */
function recordedRedis(replies: (() => Promise<unknown>)[]) {
  const calls: { sha: string; keys: string[]; args: unknown[] }[] = [];
  const redis = {
    evalsha: async (sha: string, keys: string[], args: unknown[]) => {
      calls.push({ sha, keys, args });
      const reply = replies.shift();
      if (!reply) throw new Error("no recorded reply left");
      return reply();
    },
    get: async () => null,
    set: async () => "OK",
  };
  return { redis: redis as unknown as ConstructorParameters<typeof Ratelimit>[0]["redis"], calls };
}

const fixedWindow = (
  redis: ConstructorParameters<typeof Ratelimit>[0]["redis"],
  timeout?: number,
) =>
  new Ratelimit({
    redis,
    limiter: Ratelimit.fixedWindow(5, "60 s"),
    prefix: "export",
    ephemeralCache: false,
    ...(timeout === undefined ? {} : { timeout }),
  });

describe("upstashRateLimitStore with @upstash/ratelimit", () => {
  it("types: a real Ratelimit fits, and every field the kit reads has the library's type", () => {
    expectTypeOf<Ratelimit>().toExtend<UpstashLikeLimiter>();
    expectTypeOf<UpstashResult>().toExtend<KitReads>();
    expectTypeOf<UpstashResult["reset"]>().toEqualTypeOf<number>();
    expectTypeOf<UpstashResult["reason"]>().toExtend<KitReads["reason"]>();
    // The adapter accepts the real limiter without a cast.
    const store = upstashRateLimitStore(fixedWindow(recordedRedis([]).redis));
    expectTypeOf(store.consume).parameter(0).toEqualTypeOf<string>();
  });

  it("the library's result has the recorded shape, and the adapter passes it on", async () => {
    const { redis, calls } = recordedRedis([
      async () => [1, 5],
      async () => [5, 5],
      async () => [6, 5],
    ]);
    const limiter = fixedWindow(redis);
    const raw = await limiter.limit("user-1");
    expect(Object.keys(raw).sort()).toEqual(["limit", "pending", "remaining", "reset", "success"]);
    expect(raw).toMatchObject({ success: true, limit: 5, remaining: 4 });

    const store = upstashRateLimitStore(limiter);
    const fifth = await store.consume("user-1", { limit: 5, windowMs: 60_000 });
    const sixth = await store.consume("user-1", { limit: 5, windowMs: 60_000 });
    expect(fifth).toEqual({ success: true, limit: 5, remaining: 0, reset: raw.reset });
    expect(sixth).toEqual({ success: false, limit: 5, remaining: 0, reset: raw.reset });
    // reset is Unix ms at the end of the fixed window, as the kit's stores give it.
    expect(raw.reset % 60_000).toBe(0);
    expect(raw.reset).toBeGreaterThan(Date.now());
    // The library namespaced the key with the prefix and identifier, one window per key.
    expect(calls.map((c) => c.keys[0]?.replace(/:\d+$/, ""))).toEqual([
      "export:user-1",
      "export:user-1",
      "export:user-1",
    ]);
  });

  it("Upstash's fail-open timeout ({ success: true, reason: 'timeout' }) is refused, not allowed", async () => {
    const { redis } = recordedRedis([() => new Promise(() => {})]);
    const limiter = fixedWindow(redis, 20);
    const raw = await limiter.limit("user-1");
    expect(raw).toMatchObject({ success: true, reason: "timeout" });

    const again = recordedRedis([() => new Promise(() => {})]);
    const store = upstashRateLimitStore(fixedWindow(again.redis, 20));
    await expect(store.consume("user-1", { limit: 5, windowMs: 60_000 })).rejects.toThrow(
      /timed out/,
    );
  });

  it("a Redis error inside the library rejects (the kit answers 503), never allows", async () => {
    const { redis } = recordedRedis([async () => Promise.reject(new Error("ECONNRESET"))]);
    const store = upstashRateLimitStore(fixedWindow(redis));
    await expect(store.consume("user-1", { limit: 5, windowMs: 60_000 })).rejects.toThrow();
  });
});
