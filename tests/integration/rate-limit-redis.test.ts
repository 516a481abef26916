/**
 * redisRateLimitStore against a REAL redis-server (tests/support/redis-server.ts): exact counts
 * across two Node processes, window expiry, NOSCRIPT fallback, a Redis that stops or stalls
 * (rejection within the timeout, never a hang or an allow) and recovery after a restart.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { redisRateLimitStore } from "@/lib/authz/rate-limit/redis";
import { createRedisClientFromUrl, type LazyRedisClient } from "@/lib/redis-node";
import { expectConfigError } from "../support/config-error";
import { requireRedisServer, startRedisServer, type RedisServer } from "../support/redis-server";

const { skip } = requireRedisServer();
const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * A child process that loads the TypeScript store through Vite's runnerImport (the same way the
 * bench runner loads code), says "ready", waits for "go", then fires N concurrent hits at one key.
 */
const CHILD = `
import { runnerImport } from "vite";
import { createInterface } from "node:readline";
const { module: kit } = await runnerImport(${JSON.stringify(`${ROOT}lib/authz/rate-limit/redis.ts`)});
const { module: demo } = await runnerImport(${JSON.stringify(`${ROOT}lib/redis-node.ts`)});
const { REDIS_URL, KEY, N, LIMIT, NOW } = process.env;
const client = demo.createRedisClientFromUrl(REDIS_URL, { onError: () => {} });
await client.connect();
const store = kit.redisRateLimitStore({ client, timeoutMs: 5000, now: () => Number(NOW) });
process.stdout.write("ready\\n");
for await (const line of createInterface({ input: process.stdin })) if (line === "go") break;
const results = await Promise.allSettled(
  Array.from({ length: Number(N) }, () => store.consume(KEY, { limit: Number(LIMIT), windowMs: 60000 })),
);
const ok = results.filter((r) => r.status === "fulfilled").map((r) => r.value);
process.stdout.write(JSON.stringify({
  allowed: ok.filter((r) => r.success).length,
  denied: ok.filter((r) => !r.success).length,
  errors: results.filter((r) => r.status === "rejected").map((r) => String(r.reason)),
}) + "\\n");
await client.close();
process.exit(0);
`;

interface ChildResult {
  allowed: number;
  denied: number;
  errors: string[];
}

function startChild(env: Record<string, string>) {
  const proc = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: proc.stdout });
  const queue: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  lines.on("line", (line) => {
    const w = waiters.shift();
    if (w) w(line);
    else queue.push(line);
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", resolve));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const q = queue.shift();
      if (q !== undefined) return resolve(q);
      waiters.push(resolve);
      void exited.then((code) => reject(new Error(`child exited (${code}) early: ${stderr}`)));
    });
  return { proc, nextLine, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip)("redisRateLimitStore on a real redis-server", () => {
  let server: RedisServer;
  let client: LazyRedisClient;
  let raw: ReturnType<typeof createClient>;

  beforeAll(async () => {
    server = await startRedisServer();
    client = createRedisClientFromUrl(server.url, { onError: () => {} });
    raw = createClient({ url: server.url });
    raw.on("error", () => {});
    await raw.connect();
  });

  afterAll(async () => {
    await client?.close();
    if (raw?.isOpen) raw.destroy();
    await server?.stop();
  });

  test("exact under concurrency from TWO separate Node processes hitting one key", async () => {
    const env = {
      REDIS_URL: server.url,
      KEY: "two-procs",
      N: "300",
      LIMIT: "100",
      NOW: String(Date.now()),
    };
    const children = [startChild(env), startChild(env)];
    expect(await Promise.all(children.map((c) => c.nextLine()))).toEqual(["ready", "ready"]);
    for (const c of children) c.proc.stdin.write("go\n");
    const results = (await Promise.all(children.map((c) => c.nextLine()))).map(
      (l) => JSON.parse(l) as ChildResult,
    );
    await Promise.all(children.map((c) => c.exited));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.reduce((n, r) => n + r.allowed, 0)).toBe(100);
    expect(results.reduce((n, r) => n + r.denied, 0)).toBe(500);
  }, 30_000);

  test("exact under 200 concurrent calls in one process; remaining, reset and the key layout", async () => {
    const now = 1_700_000_030_000;
    // A generous timeout: this test is about exact counts; a busy machine must not turn a slow
    // reply into a rejection here (the timeout tests below are about that).
    const store = redisRateLimitStore({ client, prefix: "t1", now: () => now, timeoutMs: 5_000 });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => store.consume("user:1", { limit: 37, windowMs: 60_000 })),
    );
    expect(results.filter((r) => r.success)).toHaveLength(37);
    expect(
      results
        .map((r) => r.remaining)
        .sort((a, b) => b - a)
        .slice(0, 3),
    ).toEqual([36, 35, 34]);
    const windowStart = Math.floor(now / 60_000) * 60_000;
    expect(new Set(results.map((r) => r.reset))).toEqual(new Set([windowStart + 60_000]));
    expect(await raw.get(`t1:user:1:${windowStart}`)).toBe("200");
    const ttl = await raw.pTTL(`t1:user:1:${windowStart}`);
    // PEXPIRE set to the window on the first hit (not to a shorter time, not left unset).
    expect(ttl).toBeGreaterThan(30_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  test("a raw node-redis client is a RedisLike too", async () => {
    const store = redisRateLimitStore({ client: raw, prefix: "t-raw" });
    expect((await store.consume("k", { limit: 1, windowMs: 60_000 })).success).toBe(true);
    expect((await store.consume("k", { limit: 1, windowMs: 60_000 })).success).toBe(false);
  });

  test("window expiry: refused until reset, allowed after, old key gone", async () => {
    // The store's clock is the test's: the window turns exactly when the test says, never mid-test.
    let now = 1_000_000; // a multiple of the window: a window starts here
    const store = redisRateLimitStore({ client, prefix: "t2", now: () => now });
    const rule = { limit: 3, windowMs: 400 };
    const first = await store.consume("k", rule);
    await store.consume("k", rule);
    await store.consume("k", rule);
    now += 399; // the window's last millisecond
    const refused = await store.consume("k", rule);
    expect(first).toMatchObject({ success: true, remaining: 2, reset: 1_000_400 });
    expect(refused).toMatchObject({ success: false, remaining: 0, reset: 1_000_400 });
    now = 1_000_400;
    const next = await store.consume("k", rule);
    expect(next).toMatchObject({ success: true, remaining: 2, reset: 1_000_800 });
    // Redis's own clock expires the old window's key (PEXPIRE is relative): wait past it.
    await sleep(rule.windowMs + 100);
    expect(await raw.exists("t2:k:1000000")).toBe(0);
  });

  test("NOSCRIPT (script cache flushed, e.g. after a failover) falls back to EVAL", async () => {
    const store = redisRateLimitStore({ client, prefix: "t3" });
    await store.consume("k", { limit: 5, windowMs: 60_000 });
    await raw.scriptFlush();
    const r = await store.consume("k", { limit: 5, windowMs: 60_000 });
    expect(r).toMatchObject({ success: true, remaining: 3 });
  });

  test("a paused (slow) Redis makes consume reject at the timeout, never allow or hang", async () => {
    const store = redisRateLimitStore({ client, prefix: "t4", timeoutMs: 200 });
    await store.consume("k", { limit: 5, windowMs: 60_000 });
    await raw.sendCommand(["CLIENT", "PAUSE", "1500", "ALL"]);
    // The outcome, not a duration: it is the store's own timeout that rejected (how long a timeout
    // takes is the timer's business; the bench measures speed).
    await expect(store.consume("k", { limit: 5, windowMs: 60_000 })).rejects.toThrow(
      /timed out after 200 ms/,
    );
    await sleep(1_600);
    expect((await store.consume("k", { limit: 5, windowMs: 60_000 })).success).toBe(true);
  });

  test("Redis stopped mid-run: consume rejects; after restart it recovers", async () => {
    const store = redisRateLimitStore({ client, prefix: "t5", timeoutMs: 200 });
    const rule = { limit: 1000, windowMs: 60_000 };
    expect((await store.consume("k", rule)).success).toBe(true);

    await server.stop();
    for (let i = 0; i < 5; i++) await expect(store.consume("k", rule)).rejects.toThrow();

    await server.restart();
    const deadline = Date.now() + 8_000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      recovered = await store.consume("k", rule).then(
        (r) => r.success,
        () => false,
      );
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
  }, 20_000);

  test("Redis killed (crash) with hits in flight: every in-flight hit rejects, none is allowed", async () => {
    const store = redisRateLimitStore({ client, prefix: "t6", timeoutMs: 300 });
    const rule = { limit: 1000, windowMs: 60_000 };
    await raw.sendCommand(["CLIENT", "PAUSE", "5000", "ALL"]); // hold the hits in flight
    // Observed from the start: the rejections arrive while kill() is still awaited.
    const inFlight = Promise.allSettled(Array.from({ length: 20 }, () => store.consume("k", rule)));
    await sleep(50);
    await server.kill();
    const settled = await inFlight;
    expect(settled.map((s) => s.status)).toEqual(Array.from({ length: 20 }, () => "rejected"));
    await server.restart();
    if (!raw.isOpen) await raw.connect();
  }, 20_000);

  test("a server that is not there at all: rejects, never allows", async () => {
    const nowhere = createRedisClientFromUrl("redis://127.0.0.1:1", { onError: () => {} });
    const store = redisRateLimitStore({ client: nowhere, timeoutMs: 200 });
    await expect(store.consume("k", { limit: 1, windowMs: 1000 })).rejects.toThrow();
    await nowhere.close();
  });

  test("misuse fails loudly", async () => {
    expect(() => redisRateLimitStore({ client: {} as never })).toThrow(TypeError);
    expectConfigError(() => redisRateLimitStore({ client: {} as never }), "invalid_store_options");
    expect(() => redisRateLimitStore({ client, timeoutMs: 0 })).toThrow(TypeError);
    expectConfigError(() => redisRateLimitStore({ client, timeoutMs: 0 }), "invalid_store_options");
    expect(() => createRedisClientFromUrl("localhost:6379")).toThrow(TypeError);
    await expect(
      redisRateLimitStore({ client }).consume("k", { limit: 0, windowMs: 1000 }),
    ).rejects.toThrow(TypeError);
    const odd = redisRateLimitStore({
      client: { evalSha: async () => "OK", eval: async () => "OK" },
    });
    await expect(odd.consume("k", { limit: 1, windowMs: 1000 })).rejects.toThrow(
      /unexpected reply/,
    );
  });
});
