/**
 * redisStreamSink against a REAL redis-server: every instance appends to one bounded stream, any
 * instance reads it back newest first, and a Redis that is down costs reported errors, nothing else.
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  createDecisionLog,
  redisStreamSink,
  type DecisionEvent,
  type DecisionReport,
} from "@/lib/authz/decision-log";
import { DECISION_FIELD_BOUNDS } from "@/lib/authz/decision-log/event";
import { expectConfigError } from "../support/config-error";
import { requireRedisServer, startRedisServer, type RedisServer } from "../support/redis-server";

const { skip } = requireRedisServer();

const event = (i: number, instance: string): DecisionEvent => ({
  time: new Date(1_700_000_000_000 + i).toISOString(),
  requestId: `${instance}-${i}`,
  layer: "route",
  policy: "admin",
  outcome: i % 2 === 0 ? "allow" : "deny",
  status: i % 2 === 0 ? 200 : 403,
  ...(i % 2 === 0 ? {} : { code: "role_required", rule: "role" }),
  subject: "user-bob",
  method: "GET",
  path: "/api/admin/users",
  durationMs: 0.25,
});

describe.skipIf(skip)("redisStreamSink (real redis-server)", () => {
  let server: RedisServer;
  const clients: { readonly isOpen: boolean; close(): Promise<unknown> }[] = [];
  const client = async () => {
    const c = createClient({ url: server.url, disableOfflineQueue: true });
    c.on("error", () => undefined);
    await c.connect();
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of clients) if (c.isOpen) await c.close().catch(() => undefined);
    await server?.stop();
  });

  test("two instances write to one stream; either reads all, newest first, exactly as written", async () => {
    const key = "test:decisions:shared";
    const a = redisStreamSink({ client: await client(), key });
    const b = redisStreamSink({ client: await client(), key });
    for (let i = 0; i < 3; i++) {
      await a.write(event(i, "a"));
      await b.write(event(i, "b"));
    }
    const fromA = await a.recent!(10);
    expect(fromA.map((e) => e.requestId)).toEqual(["b-2", "a-2", "b-1", "a-1", "b-0", "a-0"]);
    expect(fromA[0]).toEqual(event(2, "b"));
    expect(await b.recent!(2)).toEqual(fromA.slice(0, 2));
  });

  test("the stream stays bounded (XADD MAXLEN ~)", async () => {
    const key = "test:decisions:bounded";
    const c = await client();
    const sink = redisStreamSink({ client: c, key, maxLength: 100 });
    for (let i = 0; i < 1000; i++) await sink.write(event(i, "x"));
    const length = await c.xLen(key);
    // Approximate trimming removes whole internal nodes (100 entries each by default).
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(200);
    expect((await sink.recent!(1))[0]!.requestId).toBe("x-999");
  });

  test("entries that are not the kit's events are skipped when read", async () => {
    const key = "test:decisions:foreign";
    const c = await client();
    await c.xAdd(key, "*", { e: "not json" });
    await c.xAdd(key, "*", { e: JSON.stringify({ requestId: "half" }) });
    await c.xAdd(key, "*", { other: "field" });
    const sink = redisStreamSink({ client: c, key });
    await sink.write(event(7, "ok"));
    expect((await sink.recent!(10)).map((e) => e.requestId)).toEqual(["ok-7"]);
  });

  test("an over-long field is cut and counted on the way in and on the read path, never dropped", async () => {
    const key = "test:decisions:bounds";
    const c = await client();
    const sink = redisStreamSink({ client: c, key });
    const log = createDecisionLog({ sinks: [sink] });
    const longPath = `/api/orgs/acme/${"p".repeat(5000)}`;
    // Through the log: bounded before the write.
    log.accept({ ...event(1, "log"), path: longPath, subject: "s".repeat(300) });
    await log.drain();
    // Written raw by another writer (an older kit, a script): bounded when read back.
    await c.xAdd(key, "*", {
      e: JSON.stringify({ ...event(2, "raw"), path: longPath, org: "o".repeat(200) }),
    });
    const [raw, viaLog] = await sink.recent!(10);
    expect(raw).toMatchObject({
      requestId: "raw-2",
      path: longPath.slice(0, 2048),
      org: "o".repeat(128),
      truncated: { path: longPath.length - 2048, org: 72 },
    });
    expect(viaLog).toMatchObject({
      requestId: "log-1",
      path: longPath.slice(0, 2048),
      subject: "s".repeat(256),
      truncated: { path: longPath.length - 2048, subject: 44 },
    });
    // What Redis holds is already bounded: the stream never stores an unbounded event.
    const stored = await c.xRevRange(key, "+", "-", { COUNT: 10 });
    expect(JSON.parse(stored![1]!.message.e!).path).toHaveLength(2048);
  });

  test("every field at, under and over its bound: written through the log and raw, read back", async () => {
    const key = "test:decisions:every-field";
    const c = await client();
    const sink = redisStreamSink({ client: c, key });
    const log = createDecisionLog({ sinks: [sink] });
    const letters = (n: number) =>
      Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
    const full: DecisionEvent = {
      ...event(0, "f"),
      code: "c",
      rule: "r",
      message: "m",
      org: "o",
      ip: "203.0.113.0/24",
      shadow: { policy: "s", outcome: "allow", status: 200, code: "sc", rule: "sr" },
      action: { id: "40ab", name: "n" },
    };
    const set = (field: string, value: string): DecisionEvent => {
      const [head, tail] = field.split(".") as [keyof DecisionEvent, string | undefined];
      return tail === undefined
        ? { ...full, [head]: value }
        : { ...full, [head]: { ...(full[head] as object), [tail]: value } };
    };
    const get = (e: DecisionEvent, field: string): unknown => {
      const [head, tail] = field.split(".") as [keyof DecisionEvent, string | undefined];
      return tail === undefined ? e[head] : (e[head] as Record<string, unknown>)[tail];
    };
    for (const [field, max] of Object.entries(DECISION_FIELD_BOUNDS)) {
      for (const [length, cut] of [
        [max - 1, 0],
        [max, 0],
        [max + 1, 1],
        [max * 10, max * 9],
      ] as const) {
        log.accept(set(field, letters(length)));
        await log.drain();
        await c.xAdd(key, "*", { e: JSON.stringify(set(field, letters(length))) });
        const [raw, viaLog] = await sink.recent!(2);
        for (const [how, e] of [
          ["raw", raw],
          ["via the log", viaLog],
        ] as const) {
          const what = `${field} at ${length} (${how})`;
          expect(get(e!, field), what).toBe(letters(Math.min(length, max)));
          expect(e!.truncated, what).toEqual(cut === 0 ? undefined : { [field]: cut });
        }
      }
    }
  });

  test("the demo's collector batch ids in Redis: a batch one instance took, every other refuses", async () => {
    const previous = process.env.REDIS_URL;
    process.env.REDIS_URL = server.url;
    try {
      const { decisionBatchIds } = await import("@/lib/decision-log-node");
      const instanceA = decisionBatchIds()!;
      const instanceB = decisionBatchIds()!;
      const id = crypto.randomUUID();
      expect(await instanceA.firstSeen(id, 60_000)).toBe(true);
      expect(await instanceB.firstSeen(id, 60_000)).toBe(false);
      expect(await instanceA.firstSeen(id, 60_000)).toBe(false);
      // Remembered only while the batch could pass the age check.
      const short = crypto.randomUUID();
      expect(await instanceA.firstSeen(short, 50)).toBe(true);
      await new Promise((r) => setTimeout(r, 120));
      expect(await instanceB.firstSeen(short, 50)).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = previous;
    }
  });

  test("through the log: Redis down is reported, the request path never waits or throws", async () => {
    const key = "test:decisions:down";
    const c = await client();
    const errors: unknown[] = [];
    const log = createDecisionLog({
      sinks: [redisStreamSink({ client: c, key })],
      writeTimeoutMs: 500,
      onError: (e) => errors.push(e),
    });
    const report = (path: string): DecisionReport => ({
      layer: "route",
      policy: "signed-in",
      request: new Request(`http://app.test${path}`),
      refusal: null,
      subject: "user-alice",
      ip: null,
      startedAt: performance.now(),
    });
    log.record(report("/before"));
    await new Promise((r) => setTimeout(r, 50));
    await log.drain();
    expect((await log.recent(1))[0]!.path).toBe("/before");

    await server.stop();
    // record() returns at once (it has no promise to wait on); the failure arrives in onError.
    expect(log.record(report("/while-down"))).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    await log.drain();
    expect(errors.length).toBeGreaterThanOrEqual(1);

    await server.restart();
    await c.connect().catch(() => undefined);
    for (let i = 0; i < 100 && !c.isReady; i++) await new Promise((r) => setTimeout(r, 50));
    log.record(report("/after"));
    await new Promise((r) => setTimeout(r, 50));
    await log.drain();
    expect((await log.recent(1))[0]!.path).toBe("/after");
  });
});

describe("redisStreamSink options", () => {
  // Only the shape is checked at definition: no command is sent, so no server is needed.
  const client = { xAdd: async () => "0-1", xRevRange: async () => [] };

  test("a wrong option is a configuration error at definition", () => {
    expect(
      expectConfigError(
        () => redisStreamSink({ client: {} as never }),
        "invalid_decision_log_options",
      ).message,
    ).toBe("Invalid Redis client: expected xAdd(...) and xRevRange(...)");
    expectConfigError(() => redisStreamSink({ client, key: "" }), "invalid_decision_log_options");
    expectConfigError(
      () => redisStreamSink({ client, maxLength: 0 }),
      "invalid_decision_log_options",
    );
    expect(() => redisStreamSink({ client })).not.toThrow();
  });
});
