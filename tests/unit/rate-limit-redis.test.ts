/**
 * The Redis store without a Redis: the script's SHA-1 constant is the script's real SHA-1 (the
 * folder has no node:crypto to compute it), and the store calls EVALSHA by it, falls back to EVAL
 * on NOSCRIPT only, and checks its options when it is made. tests/integration/rate-limit-redis.test.ts
 * runs it against a real redis-server.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  RATE_LIMIT_SCRIPT,
  RATE_LIMIT_SCRIPT_SHA1,
  redisRateLimitStore,
  type RedisLike,
} from "@/lib/authz/rate-limit/redis";
import { expectConfigError } from "../support/config-error";

const RULE = { limit: 2, windowMs: 60_000 };

/** A client that answers the script with `count` and records every call. */
function recordingClient(reply: (call: string) => Promise<unknown>) {
  const calls: { command: "evalSha" | "eval"; first: string; keys: string[]; args: string[] }[] =
    [];
  const client: RedisLike = {
    evalSha: (sha1, o) => {
      calls.push({ command: "evalSha", first: sha1, keys: o.keys, args: o.arguments });
      return reply("evalSha");
    },
    eval: (script, o) => {
      calls.push({ command: "eval", first: script, keys: o.keys, args: o.arguments });
      return reply("eval");
    },
  };
  return { client, calls };
}

describe("RATE_LIMIT_SCRIPT_SHA1", () => {
  it("is the SHA-1 of RATE_LIMIT_SCRIPT", () => {
    expect(RATE_LIMIT_SCRIPT_SHA1).toBe(createHash("sha1").update(RATE_LIMIT_SCRIPT).digest("hex"));
  });
});

describe("redisRateLimitStore", () => {
  it("runs the script by its SHA-1, keyed by prefix, key and window start", async () => {
    const { client, calls } = recordingClient(async () => [1, 60_000]);
    const store = redisRateLimitStore({ client, prefix: "p", now: () => 120_500 });
    expect(await store.consume("export:u1", RULE)).toEqual({
      success: true,
      limit: 2,
      remaining: 1,
      reset: 180_000,
    });
    expect(calls).toEqual([
      {
        command: "evalSha",
        first: RATE_LIMIT_SCRIPT_SHA1,
        keys: ["p:export:u1:120000"],
        args: ["60000"],
      },
    ]);
  });

  it("falls back to EVAL with the script on NOSCRIPT, and on nothing else", async () => {
    const noScript = recordingClient(async (call) => {
      if (call === "evalSha") throw new Error("NOSCRIPT No matching script");
      return [3, 1_000];
    });
    const r = await redisRateLimitStore({ client: noScript.client }).consume("k", RULE);
    expect(r.success).toBe(false);
    expect(noScript.calls.map((c) => [c.command, c.first])).toEqual([
      ["evalSha", RATE_LIMIT_SCRIPT_SHA1],
      ["eval", RATE_LIMIT_SCRIPT],
    ]);

    const down = recordingClient(async () => {
      throw new Error("ECONNREFUSED");
    });
    await expect(redisRateLimitStore({ client: down.client }).consume("k", RULE)).rejects.toThrow(
      "ECONNREFUSED",
    );
    expect(down.calls.map((c) => c.command)).toEqual(["evalSha"]);
  });

  it("rejects a malformed reply rather than guessing", async () => {
    const { client } = recordingClient(async () => ["1", 60_000]);
    await expect(redisRateLimitStore({ client }).consume("k", RULE)).rejects.toThrow(
      /unexpected reply/,
    );
  });

  it("checks its options when it is made", () => {
    const { client } = recordingClient(async () => [1, 1]);
    expect(() => redisRateLimitStore({ client: {} as RedisLike })).toThrow(TypeError);
    expectConfigError(
      () => redisRateLimitStore({ client: {} as RedisLike }),
      "invalid_store_options",
    );
    expect(() => redisRateLimitStore({ client, prefix: "" })).toThrow(TypeError);
    expectConfigError(() => redisRateLimitStore({ client, prefix: "" }), "invalid_store_options");
    expect(() => redisRateLimitStore({ client, timeoutMs: 0 })).toThrow(TypeError);
    expectConfigError(() => redisRateLimitStore({ client, timeoutMs: 0 }), "invalid_store_options");
  });
});
