import { describe, expect, it, vi } from "vitest";
import {
  consoleSink,
  createDecisionLog,
  FORWARDED_ID_HEADER,
  memorySink,
  REQUEST_ID_HEADER,
  type DecisionEvent,
  type DecisionReport,
  type DecisionSink,
} from "@/lib/authz/decision-log";
import { deny } from "@/lib/authz/decide/decision";
import { logAddress, logPath } from "@/lib/authz/decision-log/redact";
import { expectConfigError } from "../support/config-error";

const SECRET = "decision-log-test-secret-0123456789";

const report = (request: Request, overrides: Partial<DecisionReport> = {}): DecisionReport => ({
  layer: "route",
  policy: "admin",
  request,
  refusal: null,
  subject: "user-alice",
  ip: null,
  startedAt: performance.now(),
  ...overrides,
});

const recorded = async (log: ReturnType<typeof createDecisionLog>) => {
  await new Promise((r) => setTimeout(r, 0));
  await log.drain();
  return log.recent(100);
};

describe("memorySink", () => {
  it("keeps the latest events, newest first, and never more than its capacity", async () => {
    const sink = memorySink({ capacity: 3 });
    for (let i = 1; i <= 5; i++) sink.write({ requestId: `r${i}` } as DecisionEvent);
    expect((await sink.recent!(10)).map((e) => e.requestId)).toEqual(["r5", "r4", "r3"]);
    expect((await sink.recent!(2)).map((e) => e.requestId)).toEqual(["r5", "r4"]);
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => memorySink({ capacity: 0 })).toThrow(TypeError);
    expectConfigError(() => memorySink({ capacity: 0 }), "invalid_decision_log_options");
  });
});

describe("consoleSink", () => {
  it("writes one JSON line per event, tagged so log tooling can find it", () => {
    const lines: string[] = [];
    consoleSink({ log: (l) => lines.push(l) }).write({ requestId: "r1" } as DecisionEvent);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ authz: "decision", requestId: "r1" });
  });
});

describe("createDecisionLog: events", () => {
  it("builds one event per decision with the contract's fields and no query string", async () => {
    const log = createDecisionLog({ onError: () => undefined });
    const request = new Request("https://app.test/api/admin/users?token=abc#frag", {
      method: "delete",
    });
    log.record(
      report(request, {
        refusal: deny("role_required", "Requires admin role", { rule: "role" }),
        subject: "user-bob",
        ip: "203.0.113.77",
      }),
    );
    const [event] = await recorded(log);
    expect(event).toMatchObject({
      layer: "route",
      policy: "admin",
      outcome: "deny",
      status: 403,
      code: "role_required",
      rule: "role",
      message: "Requires admin role",
      subject: "user-bob",
      method: "DELETE",
      path: "/api/admin/users",
      ip: "203.0.113.0/24",
    });
    expect(new Date(event!.time).toISOString()).toBe(event!.time);
    expect(event!.durationMs).toBeGreaterThanOrEqual(0);
    expect(event!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("an allow has status 200 and no code, rule or message", async () => {
    const log = createDecisionLog();
    log.record(report(new Request("https://app.test/api/me")));
    const [event] = await recorded(log);
    expect(event).toMatchObject({ outcome: "allow", status: 200 });
    expect(event).not.toHaveProperty("code");
    expect(event).not.toHaveProperty("rule");
    expect(event).not.toHaveProperty("message");
    expect(event).not.toHaveProperty("ip");
  });

  it("keeps the full address only when the app opts in", async () => {
    const log = createDecisionLog({ addresses: "full" });
    log.record(report(new Request("https://app.test/"), { ip: "2001:db8:abcd:12::1" }));
    expect((await recorded(log))[0]!.ip).toBe("2001:db8:abcd:12::1");
  });

  it("calls onDecision with the event, inside the request", async () => {
    const seen: DecisionEvent[] = [];
    const log = createDecisionLog({ onDecision: (e) => seen.push(e) });
    log.record(report(new Request("https://app.test/x")));
    const [event] = await recorded(log);
    expect(seen).toEqual([event]);
  });
});

describe("createDecisionLog: sinks that cannot hurt", () => {
  const request = () => new Request("https://app.test/api/me");

  it("a sink that throws is reported and the others still get every event", async () => {
    const errors: unknown[] = [];
    const good = memorySink();
    const bad: DecisionSink = {
      name: "bad",
      write() {
        throw new Error("boom");
      },
    };
    const log = createDecisionLog({ sinks: [bad, good], onError: (e) => errors.push(e) });
    expect(() => log.record(report(request()))).not.toThrow();
    await new Promise((r) => setTimeout(r, 0));
    await log.drain();
    expect(await good.recent!(10)).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it("a sink that rejects is reported, never an unhandled rejection", async () => {
    const contexts: unknown[] = [];
    const log = createDecisionLog({
      sinks: [{ name: "rejects", write: () => Promise.reject(new Error("down")) }, memorySink()],
      onError: (_e, c) => contexts.push(c),
    });
    log.record(report(request()));
    expect(await recorded(log)).toHaveLength(1);
    expect(contexts).toEqual([{ sink: "rejects" }]);
  });

  it("a sink that hangs is given up on after writeTimeoutMs; what overflows is dropped and counted", async () => {
    vi.useFakeTimers();
    try {
      const reports: { sink: string; dropped?: number }[] = [];
      const hanging: DecisionSink = { name: "hangs", write: () => new Promise(() => undefined) };
      const log = createDecisionLog({
        sinks: [hanging, memorySink()],
        queueCapacity: 3,
        writeTimeoutMs: 100,
        onError: (_e, c) => reports.push(c),
      });
      for (let i = 0; i < 10; i++) log.record(report(request()));
      await vi.advanceTimersByTimeAsync(0);
      // One write in flight, three waiting: six dropped, each drop reported with the running count.
      expect(log.dropped()).toEqual({ hangs: 6, memory: 0 });
      expect(reports.filter((r) => r.dropped !== undefined).map((r) => r.dropped)).toEqual([
        1, 2, 3, 4, 5, 6,
      ]);
      expect(await log.recent(100)).toHaveLength(10);
      await vi.advanceTimersByTimeAsync(4 * 100);
      await log.drain();
      expect(reports.filter((r) => r.dropped === undefined)).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it("an onError that throws or rejects changes nothing", async () => {
    const log = createDecisionLog({
      sinks: [{ name: "bad", write: () => Promise.reject(new Error("x")) }, memorySink()],
      onError: () => {
        throw new Error("reporter down");
      },
    });
    log.record(report(request()));
    expect(await recorded(log)).toHaveLength(1);
  });

  it("checks its options at creation", () => {
    expect(() => createDecisionLog({ queueCapacity: 0 })).toThrow(TypeError);
    expectConfigError(
      () => createDecisionLog({ queueCapacity: 0 }),
      "invalid_decision_log_options",
    );
    expect(() => createDecisionLog({ writeTimeoutMs: -1 })).toThrow(TypeError);
    expectConfigError(
      () => createDecisionLog({ writeTimeoutMs: -1 }),
      "invalid_decision_log_options",
    );
    expect(() => createDecisionLog({ sinks: [{} as DecisionSink] })).toThrow(TypeError);
    expectConfigError(
      () => createDecisionLog({ sinks: [{} as DecisionSink] }),
      "invalid_decision_log_options",
    );
  });
});

describe("createDecisionLog: request ids", () => {
  it("makes a new id, the same for every call on one request", async () => {
    const log = createDecisionLog();
    const request = new Request("https://app.test/");
    const id = await log.requestId(request);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await log.requestId(request)).toBe(id);
    expect(await log.requestId(new Request("https://app.test/"))).not.toBe(id);
  });

  it("replaces a client's X-Request-Id unless a proxy is trusted", async () => {
    const headers = { [REQUEST_ID_HEADER]: "client-chosen-id" };
    const untrusted = createDecisionLog();
    expect(await untrusted.requestId(new Request("https://app.test/", { headers }))).not.toBe(
      "client-chosen-id",
    );
    const trusted = createDecisionLog({ proxyTrust: { kind: "hops", hops: 1 } });
    expect(await trusted.requestId(new Request("https://app.test/", { headers }))).toBe(
      "client-chosen-id",
    );
    // Even from a trusted proxy, an id that could split a log line or a header is replaced.
    const odd = new Request("https://app.test/", { headers: { [REQUEST_ID_HEADER]: "a b\tc" } });
    expect(await trusted.requestId(odd)).not.toBe("a b\tc");
  });

  it("accepts the middleware's forwarded id only with a valid tag from the same secret", async () => {
    const middleware = createDecisionLog({ secret: () => SECRET });
    const handler = createDecisionLog({ secret: () => SECRET });
    const id = await middleware.requestId(new Request("https://app.test/"));
    const forwarded = middleware.forwardHeaders(id);
    expect(Object.keys(forwarded)).toEqual([FORWARDED_ID_HEADER]);
    const passed = new Request("https://app.test/", { headers: forwarded });
    expect(await handler.requestId(passed)).toBe(id);

    const value = forwarded[FORWARDED_ID_HEADER]!;
    const forged = [
      `chosen-by-client.${value.split(".").pop()}`,
      `${id}.AAAAAAAAAAAAAAAAAAAAAA`,
      id,
      `${value}x`,
    ];
    for (const header of forged) {
      const request = new Request("https://app.test/", {
        headers: { [FORWARDED_ID_HEADER]: header },
      });
      expect(await handler.requestId(request)).not.toBe(id);
      expect(await handler.requestId(request)).not.toBe("chosen-by-client");
    }
    const otherSecret = createDecisionLog({ secret: () => `${SECRET}-other` });
    expect(
      await otherSecret.requestId(new Request("https://app.test/", { headers: forwarded })),
    ).not.toBe(id);
  });

  it("forwards nothing without a secret", () => {
    expect(createDecisionLog().forwardHeaders("some-id")).toEqual({});
  });

  // Every promise costs a request under Next's async context tracking: the event of a decision,
  // forwarded id checked and all, is in a synchronous sink before record() returns.
  it("records an event, its forwarded id verified, without waiting for a promise", async () => {
    const middleware = createDecisionLog({ secret: () => SECRET });
    const id = await middleware.requestId(new Request("https://app.test/"));
    const written: DecisionEvent[] = [];
    const handler = createDecisionLog({
      secret: () => SECRET,
      sinks: [{ name: "sync", write: (event) => void written.push(event) }],
    });
    const passed = new Request("https://app.test/api/me", {
      headers: middleware.forwardHeaders(id),
    });
    handler.record(report(passed));
    expect(written.map((e) => [e.requestId, e.path])).toEqual([[id, "/api/me"]]);
    expect(await handler.requestId(passed)).toBe(id);
  });
});

describe("logAddress / logPath", () => {
  it("truncates IPv4 to /24 and IPv6 to /48, canonical; drops what does not parse", () => {
    expect(logAddress("10.1.2.3", "truncate")).toBe("10.1.2.0/24");
    expect(logAddress("::ffff:10.1.2.3", "truncate")).toBe("10.1.2.0/24");
    expect(logAddress("2001:DB8:ABCD:FFFF::1", "truncate")).toBe("2001:db8:abcd::/48");
    expect(logAddress("::1", "truncate")).toBe("::/48");
    expect(logAddress("not an ip", "truncate")).toBeUndefined();
    expect(logAddress(null, "full")).toBeUndefined();
  });

  it("keeps the path only", () => {
    expect(logPath("https://a.test/x/y?q=secret#f")).toBe("/x/y");
    expect(logPath("https://a.test")).toBe("/");
    expect(logPath("https://a.test/#f?x")).toBe("/");
  });

  // Request URLs are absolute, but a rebuilt or proxied request may carry a path or a
  // scheme-relative URL: the path is still the path, and the host never reaches the log.
  it("keeps the path of a path-only or scheme-relative URL", () => {
    expect(logPath("/api/me?token=secret")).toBe("/api/me");
    expect(logPath("//evil.test/admin?x=1")).toBe("/admin");
    expect(logPath("app.test/admin#top")).toBe("/admin");
    expect(logPath("no-slash?q")).toBe("/");
  });
});
