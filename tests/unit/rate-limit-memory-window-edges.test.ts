/**
 * The edges of the memory store's fixed windows and rules: a window ends exactly at its reset
 * time, and the smallest valid rule and table are accepted. Each case was a mutant of
 * lib/authz/rate-limit/memory.ts that no other test noticed (npm run mutation).
 */
import { describe, expect, it } from "vitest";
import { memoryRateLimitStore } from "@/lib/authz/rate-limit/memory";
import { expectConfigError } from "../support/config-error";

describe("memoryRateLimitStore windows", () => {
  it("a window ends exactly at its reset time: the next request there starts a new one", async () => {
    let t = 0;
    const store = memoryRateLimitStore({ now: () => t });
    const rule = { limit: 1, windowMs: 1000 };
    // An older, longer window at the head of the table: the amortised sweep stops at it, so the
    // window of "k" is ended by the check on its own reset time, not swept away first.
    await store.consume("long", { limit: 1, windowMs: 60_000 });
    expect(await store.consume("k", rule)).toMatchObject({ success: true, reset: 1000 });
    t = 999;
    expect(await store.consume("k", rule)).toMatchObject({ success: false, remaining: 0 });
    t = 1000;
    expect(await store.consume("k", rule)).toMatchObject({
      success: true,
      remaining: 0,
      reset: 2000,
    });
  });

  it("the smallest rule and the smallest table are valid", async () => {
    const store = memoryRateLimitStore({ maxKeys: 1, now: () => 5 });
    expect(await store.consume("k", { limit: 1, windowMs: 1 })).toMatchObject({
      success: true,
      reset: 6,
    });
  });

  it("an empty key, a zero window or a zero limit is a configuration error", async () => {
    const store = memoryRateLimitStore();
    await expect(store.consume("", { limit: 1, windowMs: 1000 })).rejects.toMatchObject({
      code: "invalid_rate_limit_rule",
    });
    await expect(store.consume("k", { limit: 1, windowMs: 0 })).rejects.toMatchObject({
      code: "invalid_rate_limit_rule",
    });
    await expect(store.consume("k", { limit: 0, windowMs: 1000 })).rejects.toMatchObject({
      code: "invalid_rate_limit_rule",
    });
    expectConfigError(() => memoryRateLimitStore({ maxKeys: 0 }), "invalid_store_options");
  });
});
