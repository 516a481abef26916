/**
 * The one way the kit's Redis stores run a script: EVALSHA by the constant SHA-1, EVAL only on
 * NOSCRIPT, a deadline that rejects with the store's name, and option checks at definition. A
 * recording client stands in for Redis (the real server is in tests/integration/*-redis.test.ts).
 */
import { describe, expect, it, vi } from "vitest";
import {
  assertRedisStoreOptions,
  isNoScriptError,
  runRedisScript,
  type RedisScriptClient,
} from "@/lib/authz/stores/redis-script";
import { expectConfigError } from "../support/config-error";

const SCRIPT = { source: "return 1", sha1: "e0e1f9fabfc9d4800c877a703b823ac0578ff8db" };
const deadline = { timeoutMs: 50, name: "Test store" };

function client(evalSha: () => Promise<unknown>) {
  const calls: string[] = [];
  const c: RedisScriptClient = {
    evalSha: (sha1) => (calls.push(`evalSha ${sha1}`), evalSha()),
    eval: async (source) => (calls.push(`eval ${source}`), "from eval"),
  };
  return { client: c, calls };
}

describe("runRedisScript", () => {
  it("runs EVALSHA by the script's SHA-1 and answers its reply", async () => {
    const c = client(async () => "from evalSha");
    expect(await runRedisScript(c.client, SCRIPT, ["k"], ["1"], deadline)).toBe("from evalSha");
    expect(c.calls).toEqual([`evalSha ${SCRIPT.sha1}`]);
  });

  it("sends the script with EVAL on NOSCRIPT, and on nothing else", async () => {
    const noScript = client(async () => {
      throw new Error("NOSCRIPT No matching script. Please use EVAL.");
    });
    expect(await runRedisScript(noScript.client, SCRIPT, [], [], deadline)).toBe("from eval");
    expect(noScript.calls).toEqual([`evalSha ${SCRIPT.sha1}`, `eval ${SCRIPT.source}`]);

    const down = client(async () => {
      throw new Error("ECONNREFUSED");
    });
    await expect(runRedisScript(down.client, SCRIPT, [], [], deadline)).rejects.toThrow(
      "ECONNREFUSED",
    );
    expect(down.calls).toEqual([`evalSha ${SCRIPT.sha1}`]);

    const sync = client(() => {
      throw new Error("client closed");
    });
    await expect(runRedisScript(sync.client, SCRIPT, [], [], deadline)).rejects.toThrow(
      "client closed",
    );
  });

  it("rejects past the deadline with the store's name, and leaves no timer behind", async () => {
    vi.useFakeTimers();
    try {
      const hanging = client(() => new Promise(() => undefined));
      const call = runRedisScript(hanging.client, SCRIPT, [], [], deadline);
      const rejected = expect(call).rejects.toThrow("Test store timed out after 50 ms");
      await vi.advanceTimersByTimeAsync(50);
      await rejected;

      await runRedisScript(client(async () => 1).client, SCRIPT, [], [], deadline);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("isNoScriptError", () => {
  it("answers whether Redis lacked the script", () => {
    expect(isNoScriptError(new Error("NOSCRIPT No matching script"))).toBe(true);
    expect(isNoScriptError(new Error("ERR unknown command"))).toBe(false);
    expect(isNoScriptError("NOSCRIPT")).toBe(false);
  });
});

describe("assertRedisStoreOptions", () => {
  const ok = client(async () => 1).client;
  it("accepts a script client, a prefix and a positive deadline", () => {
    expect(() => assertRedisStoreOptions({ client: ok, prefix: "p", timeoutMs: 1 })).not.toThrow();
  });
  it("refuses anything else with invalid_store_options", () => {
    const bad = [
      [
        { client: {} as RedisScriptClient, prefix: "p", timeoutMs: 1 },
        "Invalid Redis client: expected evalSha(sha, { keys, arguments }) and eval(script, { keys, arguments })",
      ],
      [{ client: ok, prefix: "", timeoutMs: 1 }, "Invalid prefix: expected a non-empty string"],
      [
        { client: ok, prefix: "p", timeoutMs: 0 },
        "Invalid timeoutMs: expected a positive number, got 0",
      ],
      [
        { client: ok, prefix: "p", timeoutMs: Number.NaN },
        "Invalid timeoutMs: expected a positive number, got NaN",
      ],
    ] as const;
    for (const [options, message] of bad)
      expect(
        expectConfigError(() => assertRedisStoreOptions(options), "invalid_store_options").message,
      ).toBe(message);
  });
});
