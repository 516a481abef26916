/**
 * The export rate limit across instances, as on Vercel: two `next start` processes share one real
 * redis-server through REDIS_URL, so the fifth call on either instance is the last one for the
 * minute on both. Then Redis stops mid-run (the kit answers 503 with Retry-After, never lets the
 * call through) and comes back (the same server answers again without a restart).
 */
import { expect, test } from "@playwright/test";
import { signInWithCredentials } from "../../lib/authz/testing";
import { startNextServer, type NextServer } from "../support/next-server";
import { requireRedisServer, startRedisServer, type RedisServer } from "../support/redis-server";

test.describe.configure({ mode: "serial" });

const { skip } = requireRedisServer();
test.skip(skip, "redis-server is not installed (see the notice above)");

let redis: RedisServer;
let instances: NextServer[] = [];

test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(180_000);
  redis = await startRedisServer();
  instances = await Promise.all(
    [1, 2].map(() => startNextServer({ env: { REDIS_URL: redis.url } })),
  );
});

test.afterAll(async () => {
  await Promise.all(instances.map((s) => s.stop()));
  await redis?.stop();
});

const exportReport = (server: NextServer, cookie: string) =>
  fetch(`${server.url}/api/reports/export`, { method: "POST", headers: { cookie } });

test("two instances share one count: 5 calls a minute for alice in all, then 429 on both", async () => {
  const [a, b] = instances as [NextServer, NextServer];
  const cookie = await signInWithCredentials(a.url, "alice@example.com", "demo");
  expect(cookie).not.toBeNull();

  // A window may roll over between calls; retry the whole sequence once in a fresh window if so.
  for (let attempt = 0; attempt < 2; attempt++) {
    const statuses: number[] = [];
    const policies: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await exportReport(i % 2 === 0 ? a : b, cookie!);
      statuses.push(response.status);
      policies.push(response.headers.get("ratelimit") ?? "");
    }
    const sixthA = await exportReport(a, cookie!);
    const sixthB = await exportReport(b, cookie!);
    if (statuses.every((s) => s === 200) && sixthA.status === 429 && sixthB.status === 429) {
      // Remaining counts down across instances: 4, 3, 2, 1, 0.
      expect(policies.map((p) => /r=(\d+)/.exec(p)?.[1])).toEqual(["4", "3", "2", "1", "0"]);
      expect(Number(sixthB.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(sixthB.headers.get("ratelimit-policy")).toBe('"reports.export";q=5;w=60');
      expect(await sixthB.json()).toMatchObject({
        error: "Too Many Requests",
        code: "rate_limited",
        limit: 5,
      });
      return;
    }
    // Not a clean run: wait for the next window (at most a minute) and try once more.
    const retryAfter = Number(sixthA.headers.get("retry-after") ?? "60");
    await new Promise((r) => setTimeout(r, (retryAfter + 1) * 1000));
  }
  throw new Error("the shared limit did not hold in two attempts");
});

test("Redis down: 503 with Retry-After and a generic body, never a pass; back up: answers again", async () => {
  test.setTimeout(120_000);
  const [a] = instances as [NextServer];
  const cookie = await signInWithCredentials(a.url, "carol@example.com", "demo");
  expect(cookie).not.toBeNull();

  await redis.kill();
  const down = await exportReport(a, cookie!);
  expect(down.status).toBe(503);
  expect(down.headers.get("retry-after")).toBe("5");
  expect(down.headers.get("cache-control")).toBe("no-store");
  expect(await down.json()).toEqual({
    error: "Service Unavailable",
    message: "Service temporarily unavailable; try again shortly",
    code: "authorization_unavailable",
  });

  await redis.restart();
  // The client reconnects by itself (backoff up to 2 s); no instance restart.
  await expect
    .poll(async () => (await exportReport(a, cookie!)).status, {
      timeout: 30_000,
      intervals: [250, 500, 1000],
    })
    .toBe(200);
});
