import { describe, expect, it } from "vitest";
import {
  collectorRoute,
  collectorSink,
  createDecisionLog,
  memorySink,
  type DecisionEvent,
} from "@/lib/authz/decision-log";

const SECRET = "collector-test-secret-0123456789";
const event = (i: number): DecisionEvent => ({
  time: new Date(1_700_000_000_000 + i).toISOString(),
  requestId: `req-${i}`,
  layer: "middleware",
  policy: "admin",
  outcome: "deny",
  status: 403,
  code: "role_required",
  rule: "role",
  message: "Requires admin role",
  subject: "user-bob",
  method: "GET",
  path: "/api/admin/users",
  durationMs: 0.5,
});

/** The receiving log, its route, and a fetch that hands each POST to that route as Next would. */
function wire(secret = SECRET) {
  const ring = memorySink();
  const log = createDecisionLog({ sinks: [ring] });
  const route = collectorRoute(log, { secret: () => secret });
  const answers: number[] = [];
  const fetchToRoute: typeof fetch = async (input, init) => {
    const response = await route(new Request(String(input), init));
    answers.push(response.status);
    return response;
  };
  return { ring, log, answers, fetchToRoute };
}

/** Waits until `done()` holds (first HMAC key imports can take a while), at most 3 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("collectorSink → collectorRoute", () => {
  it("delivers events in signed batches into the receiving log", async () => {
    const { log, answers, fetchToRoute } = wire();
    const sink = collectorSink({
      url: () => "http://127.0.0.1:3000/api/authz/collect",
      secret: () => SECRET,
      batchSize: 3,
      intervalMs: 20,
      fetch: fetchToRoute,
    });
    for (let i = 0; i < 4; i++) sink.write(event(i));
    await until(() => answers.length === 2);
    await log.drain();
    expect(answers).toEqual([204, 204]);
    expect((await log.recent(10)).map((e) => e.requestId)).toEqual([
      "req-3",
      "req-2",
      "req-1",
      "req-0",
    ]);
  });

  it("a batch signed with another secret is refused and recorded nowhere", async () => {
    const { log, answers, fetchToRoute } = wire();
    const errors: unknown[] = [];
    const sink = collectorSink({
      url: () => "http://x.test/c",
      secret: () => "some-other-secret-0123456789",
      intervalMs: 1,
      fetch: fetchToRoute,
      onError: (e) => errors.push(e),
    });
    sink.write(event(1));
    await until(() => errors.length === 1);
    expect(answers).toEqual([401]);
    expect(errors).toHaveLength(1);
    expect(await log.recent(10)).toEqual([]);
  });

  it("the route refuses unsigned, stale and malformed batches and drops unknown fields", async () => {
    const { log } = wire();
    const route = collectorRoute(log, { secret: () => SECRET, now: () => 1_000_000 });
    const signedPost = async (body: string) => {
      // Sign as the sink does: through a sink whose fetch captures the request instead.
      let captured: Request | undefined;
      const sink = collectorSink({
        url: () => "http://x.test/c",
        secret: () => SECRET,
        intervalMs: 1,
        fetch: async (input, init) => {
          captured = new Request(String(input), init);
          return new Response(null, { status: 204 });
        },
      });
      sink.write(event(0));
      await until(() => captured !== undefined);
      const tag = captured!.headers.get("x-authz-signature")!;
      return { tag, original: await captured!.text(), body };
    };
    const { tag, original } = await signedPost("");
    const post = (body: string, headers: Record<string, string>) =>
      route(new Request("http://x.test/c", { method: "POST", body, headers }));

    expect((await post(original, {})).status).toBe(401);
    expect((await post(`${original} `, { "x-authz-signature": tag })).status).toBe(401);
    // A valid tag over a batch sent long ago (now() is far from sentAt): replay refused.
    expect((await post(original, { "x-authz-signature": tag })).status).toBe(401);
    expect(
      (await post("x".repeat(600 * 1024), { "x-authz-signature": tag, "content-length": "614400" }))
        .status,
    ).toBe(413);
  });

  it("keeps only the known, well-typed fields of each event", async () => {
    const { log, answers, fetchToRoute } = wire();
    const sink = collectorSink({
      url: () => "http://x.test/c",
      secret: () => SECRET,
      intervalMs: 1,
      fetch: fetchToRoute,
    });
    sink.write({ ...event(1), cookie: "authjs.session-token=secret" } as DecisionEvent);
    sink.write({ ...event(2), status: "403" } as unknown as DecisionEvent);
    await until(() => answers.length === 1);
    await log.drain();
    const kept = await log.recent(10);
    expect(kept.map((e) => e.requestId)).toEqual(["req-1"]);
    expect(kept[0]).not.toHaveProperty("cookie");
    expect(kept[0]).toEqual(event(1));
  });

  it("a collector that is down costs a reported error, never a throw from write", async () => {
    const errors: unknown[] = [];
    const sink = collectorSink({
      url: () => "http://x.test/c",
      secret: () => SECRET,
      intervalMs: 1,
      maxBuffered: 2,
      fetch: () => Promise.reject(new Error("connection refused")),
      onError: (e) => errors.push(e),
    });
    sink.write(event(1));
    sink.write(event(2));
    // Past maxBuffered the sink refuses; the log's queue counts that as a failed write.
    expect(() => sink.write(event(3))).toThrow(/buffer full/);
    await until(() => errors.length === 1);
    expect(errors).toHaveLength(1);
  });
});
