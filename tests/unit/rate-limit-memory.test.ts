/**
 * memoryRateLimitStore (fixed window, epoch-aligned) and upstashRateLimitStore.
 */
import { describe, expect, test } from "vitest";
import { memoryRateLimitStore } from "@/lib/authz/rate-limit/memory";
import { upstashRateLimitStore, type UpstashLikeLimiter } from "@/lib/authz/rate-limit/upstash";
import type { RateLimitRule } from "@/lib/authz/rate-limit/store";
import { AuthzConfigError } from "@/lib/authz/errors";
import { expectConfigError } from "../support/config-error";

const MIN: RateLimitRule = { limit: 5, windowMs: 60_000 };

function clock(start: number) {
  let t = start;
  return {
    now: () => t,
    set: (v: number) => void (t = v),
    advance: (ms: number) => void (t += ms),
  };
}

describe("memoryRateLimitStore", () => {
  test("100 concurrent calls against limit 5 allow exactly 5", async () => {
    const store = memoryRateLimitStore();
    const results = await Promise.all(Array.from({ length: 100 }, () => store.consume("k", MIN)));
    expect(results.filter((r) => r.success)).toHaveLength(5);
    expect(results.slice(0, 5).every((r) => r.success)).toBe(true); // first come, first served
  });

  test("remaining counts down, reset is the window end aligned to the epoch", async () => {
    const c = clock(1_700_000_012_345);
    const store = memoryRateLimitStore({ now: c.now });
    const windowStart = Math.floor(c.now() / 60_000) * 60_000;
    const seen = [];
    for (let i = 0; i < 7; i++) seen.push(await store.consume("k", MIN));
    expect(seen.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(seen.map((r) => r.success)).toEqual([true, true, true, true, true, false, false]);
    expect(new Set(seen.map((r) => r.reset))).toEqual(new Set([windowStart + 60_000]));
    expect(seen.every((r) => r.limit === 5)).toBe(true);
  });

  test("a new window starts exactly at reset", async () => {
    const c = clock(120_000);
    const store = memoryRateLimitStore({ now: c.now });
    for (let i = 0; i < 5; i++) await store.consume("k", MIN);
    c.set(179_999);
    expect((await store.consume("k", MIN)).success).toBe(false);
    c.set(180_000);
    const fresh = await store.consume("k", MIN);
    expect(fresh).toEqual({ success: true, limit: 5, remaining: 4, reset: 240_000 });
  });

  test("keys are independent", async () => {
    const store = memoryRateLimitStore();
    for (let i = 0; i < 5; i++) await store.consume("a", MIN);
    expect((await store.consume("a", MIN)).success).toBe(false);
    expect((await store.consume("b", MIN)).success).toBe(true);
  });

  test("known cost of fixed windows: up to 2 × limit across a boundary (documented, not a bug)", async () => {
    const c = clock(59_999);
    const store = memoryRateLimitStore({ now: c.now });
    const before = await Promise.all(Array.from({ length: 5 }, () => store.consume("k", MIN)));
    c.set(60_000); // 1 ms later, the next window
    const after = await Promise.all(Array.from({ length: 5 }, () => store.consume("k", MIN)));
    expect([...before, ...after].filter((r) => r.success)).toHaveLength(10);
    expect(before[0]!.reset).toBe(60_000);
    expect(after[0]!.reset).toBe(120_000);
  });

  test("a clock that steps backwards does not reset a counter", async () => {
    const c = clock(100_000);
    const store = memoryRateLimitStore({ now: c.now });
    for (let i = 0; i < 5; i++) await store.consume("k", MIN);
    c.set(50_000);
    expect((await store.consume("k", MIN)).success).toBe(false);
  });

  test("invalid rules and keys reject (the kit answers 503), never allow", async () => {
    const store = memoryRateLimitStore();
    for (const rule of [
      { limit: 0, windowMs: 1000 },
      { limit: 1.5, windowMs: 1000 },
      { limit: 5, windowMs: 0 },
      { limit: 5, windowMs: Number.NaN },
    ]) {
      await expect(store.consume("k", rule)).rejects.toThrow(TypeError);
      await expect(store.consume("k", rule)).rejects.toBeInstanceOf(AuthzConfigError);
      await expect(store.consume("k", rule)).rejects.toMatchObject({
        code: "invalid_rate_limit_rule",
      });
    }
    await expect(store.consume("", MIN)).rejects.toThrow(TypeError);
    await expect(store.consume("", MIN)).rejects.toMatchObject({
      name: "AuthzConfigError",
      code: "invalid_rate_limit_rule",
    });
    expect(() => memoryRateLimitStore({ maxKeys: 0 })).toThrow(TypeError);
    expectConfigError(() => memoryRateLimitStore({ maxKeys: 0 }), "invalid_store_options");
  });

  describe("memory bound under a flood of 100k distinct keys", () => {
    test("a full table never locks out everyone: every newcomer is counted", async () => {
      const c = clock(0);
      const store = memoryRateLimitStore({ now: c.now, maxKeys: 10_000 });
      let admitted = 0;
      // How fast a full table answers is the bench's to measure (`npm run bench`, memory store).
      for (let i = 0; i < 100_000; i++)
        if ((await store.consume(`flood-${i}`, MIN)).success) admitted++;
      expect(admitted).toBe(100_000);
      // A newcomer after the flood is still served, and still counted to its limit.
      for (let i = 0; i < 5; i++) expect((await store.consume("newcomer", MIN)).success).toBe(true);
      expect((await store.consume("newcomer", MIN)).success).toBe(false);
    });

    test("a full table drops expired windows before it evicts a live one", async () => {
      const c = clock(0);
      const store = memoryRateLimitStore({ now: c.now, maxKeys: 100 });
      // 99 short windows (1 s) and one long one (1 h) that has used its limit.
      const SHORT: RateLimitRule = { limit: 5, windowMs: 1_000 };
      const LONG: RateLimitRule = { limit: 1, windowMs: 3_600_000 };
      expect((await store.consume("long", LONG)).success).toBe(true);
      expect((await store.consume("long", LONG)).success).toBe(false);
      for (let i = 0; i < 99; i++) await store.consume(`short-${i}`, SHORT);
      c.set(1_000); // every short window has ended; "long" is the oldest live one
      for (let i = 0; i < 99; i++) await store.consume(`next-${i}`, SHORT);
      // Had a live window been evicted instead of an expired one, "long" would count afresh.
      expect((await store.consume("long", LONG)).success).toBe(false);
    });

    test("the documented cost: once every window is live, a flood resets the oldest key", async () => {
      const c = clock(0);
      const store = memoryRateLimitStore({ now: c.now, maxKeys: 10_000 });
      for (let i = 0; i < 5; i++) await store.consume("victim", MIN);
      expect((await store.consume("victim", MIN)).success).toBe(false);
      for (let i = 0; i < 100_000; i++) await store.consume(`flood-${i}`, MIN);
      expect((await store.consume("victim", MIN)).success).toBe(true); // evicted → fresh window
    });

    test("the table never holds more than maxKeys (probed through admissions)", async () => {
      const c = clock(0);
      const store = memoryRateLimitStore({ now: c.now, maxKeys: 100 });
      for (let i = 0; i < 1_000; i++) await store.consume(`a-${i}`, MIN);
      // Newest first: the 100 kept keys answer remaining 3 before any newcomer evicts one. Had more
      // than 100 been held, some of a-0…a-899 would still be counted too.
      const again = [];
      for (let i = 999; i >= 0; i--) again.push(await store.consume(`a-${i}`, MIN));
      expect(again.filter((r) => r.remaining === 3)).toHaveLength(100);
    });

    test("expired windows are swept lazily: a later window gets the whole table", async () => {
      const c = clock(0);
      const store = memoryRateLimitStore({ now: c.now, maxKeys: 1_000 });
      for (let i = 0; i < 1_000; i++) await store.consume(`old-${i}`, MIN);
      c.set(60_000);
      let admitted = 0;
      for (let i = 0; i < 1_000; i++)
        if ((await store.consume(`new-${i}`, MIN)).success) admitted++;
      expect(admitted).toBe(1_000);
    });
  });
});

describe("upstashRateLimitStore", () => {
  const fake = (
    result: Awaited<ReturnType<UpstashLikeLimiter["limit"]>>,
  ): UpstashLikeLimiter & { ids: string[] } => {
    const ids: string[] = [];
    return { ids, limit: async (id) => (ids.push(id), result) };
  };

  test("passes the key, returns the limiter's own numbers (the rule is ignored)", async () => {
    const limiter = fake({
      success: true,
      limit: 10,
      remaining: 9,
      reset: 1_700_000_060_000,
      pending: Promise.resolve(),
    });
    const r = await upstashRateLimitStore(limiter).consume("export:u1", MIN);
    expect(r).toEqual({ success: true, limit: 10, remaining: 9, reset: 1_700_000_060_000 });
    expect(limiter.ids).toEqual(["export:u1"]);
  });

  test("Upstash's timeout answer (success: true, reason: timeout) rejects: fail closed", async () => {
    const store = upstashRateLimitStore(
      fake({ success: true, limit: 0, remaining: 0, reset: 0, reason: "timeout" }),
    );
    await expect(store.consume("k", MIN)).rejects.toThrow(/timed out/);
  });

  test("a malformed result or a throwing limiter rejects", async () => {
    await expect(
      upstashRateLimitStore(
        fake({ success: true, limit: Number.NaN, remaining: 1, reset: 1 }),
      ).consume("k", MIN),
    ).rejects.toThrow(/malformed/);
    const broken: UpstashLikeLimiter = {
      limit: async () => Promise.reject(new Error("ECONNRESET")),
    };
    await expect(upstashRateLimitStore(broken).consume("k", MIN)).rejects.toThrow("ECONNRESET");
    expect(() => upstashRateLimitStore({} as UpstashLikeLimiter)).toThrow(TypeError);
    expectConfigError(
      () => upstashRateLimitStore({} as UpstashLikeLimiter),
      "invalid_store_options",
    );
  });

  test("a rejected pending promise never becomes an unhandled rejection", async () => {
    const pending = Promise.reject(new Error("analytics down"));
    const r = await upstashRateLimitStore(
      fake({ success: false, limit: 5, remaining: 0, reset: 1, pending }),
    ).consume("k", MIN);
    expect(r.success).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
