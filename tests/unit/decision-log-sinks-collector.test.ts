import { describe, expect, it } from "vitest";
import {
  collectorRoute,
  collectorSink,
  createDecisionLog,
  memorySink,
  type DecisionEvent,
} from "@/lib/authz/decision-log";
import { hmacTagger } from "@/lib/authz/decision-log/hmac";

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
/** Waits for a condition (bounded: 30 s, then the test fails saying so); no fixed sleeps. */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("condition not met within 30 s");
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

  it("a batch signed with another secret is refused: its events recorded nowhere, the refusal once", async () => {
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
    await log.drain();
    const kept = await log.recent(10);
    expect(kept.map((e) => [e.policy, e.code, e.subject])).toEqual([
      ["decision-collector", "invalid_signature", null],
    ]);
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

/** A batch body as the sink writes it, and its real tag (the kit's own HMAC, same label). */
async function signed(
  batch: { id?: unknown; sentAt?: unknown; events?: unknown },
  secret = SECRET,
): Promise<{ body: string; tag: string }> {
  const body = JSON.stringify(batch);
  const tag = (await hmacTagger(() => secret, "decision batch").tag(body))!;
  return { body, tag };
}

const post = (route: (r: Request) => Promise<Response>, body: string, headers = {}) =>
  route(
    new Request("http://x.test/api/authz/collect", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    }),
  );

describe("collectorRoute answers like the kit (DESIGN §1.3)", () => {
  const NOW = 1_700_000_000_000;

  it("every refusal is a JSON {error,message,code}, no-store, no cookie; 401 carries a challenge", async () => {
    const { log } = wire();
    const route = collectorRoute(log, { secret: () => SECRET, now: () => NOW });
    const fresh = await signed({ id: crypto.randomUUID(), sentAt: NOW, events: [] });
    const stale = await signed({ id: crypto.randomUUID(), sentAt: NOW - 61_000, events: [] });
    const noId = await signed({ sentAt: NOW, events: [] });
    const notJson = { body: "{not json", tag: (await signed({})).tag };
    notJson.tag = (await hmacTagger(() => SECRET, "decision batch").tag(notJson.body))!;
    const cases: [string, Response, number, string][] = [
      ["unsigned", await post(route, fresh.body), 401, "invalid_signature"],
      [
        "wrong tag",
        await post(route, fresh.body, { "x-authz-signature": stale.tag }),
        401,
        "invalid_signature",
      ],
      [
        "stale",
        await post(route, stale.body, { "x-authz-signature": stale.tag }),
        401,
        "stale_request",
      ],
      [
        "no id",
        await post(route, noId.body, { "x-authz-signature": noId.tag }),
        400,
        "invalid_request",
      ],
      [
        "not JSON",
        await post(route, notJson.body, { "x-authz-signature": notJson.tag }),
        400,
        "invalid_request",
      ],
      [
        "declared too large",
        await post(route, "x".repeat(600 * 1024), { "content-length": String(600 * 1024) }),
        413,
        "payload_too_large",
      ],
    ];
    const statusText: Record<number, string> = {
      400: "Bad Request",
      401: "Unauthorized",
      413: "Content Too Large",
    };
    for (const [what, response, status, code] of cases) {
      expect(response.status, what).toBe(status);
      expect(response.headers.get("content-type"), what).toBe("application/json");
      expect(response.headers.get("cache-control"), what).toBe("no-store");
      expect(response.headers.get("set-cookie"), what).toBeNull();
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort(), what).toEqual(["code", "error", "message"]);
      expect(body, what).toMatchObject({ error: statusText[status], code });
      expect(typeof body.message, what).toBe("string");
      expect(response.headers.get("www-authenticate"), what).toBe(
        status === 401 ? 'AuthzBatch realm="decision-collector", header="x-authz-signature"' : null,
      );
    }
  });

  it("a chunked body past the limit is a 413 JSON refusal too (no Content-Length to trust)", async () => {
    const { log } = wire();
    const route = collectorRoute(log, { secret: () => SECRET });
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await route(
      new Request("http://x.test/c", {
        method: "POST",
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: "payload_too_large" });
  });

  it("problem details when the client asks for them, same status and code", async () => {
    const { log } = wire();
    const route = collectorRoute(log, { secret: () => SECRET });
    const response = await post(route, "{}", { accept: "application/problem+json" });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 401, code: "invalid_signature" });
  });

  it("each refusal leaves a decision event whose id the answer carries", async () => {
    const { log } = wire();
    const route = collectorRoute(log, { secret: () => SECRET });
    const response = await post(route, "{}");
    await new Promise((r) => setTimeout(r, 0));
    await log.drain();
    const [trace] = await log.recent(10);
    expect(trace).toMatchObject({
      layer: "route",
      policy: "decision-collector",
      outcome: "deny",
      status: 401,
      code: "invalid_signature",
      subject: null,
      method: "POST",
      path: "/api/authz/collect",
    });
    expect(response.headers.get("x-request-id")).toBe(trace!.requestId);
  });
});

describe("collectorRoute refuses a replayed batch", () => {
  it("the same signed batch twice: recorded once, the second answer 401 replayed_request", async () => {
    const { log } = wire();
    let now = 1_700_000_000_000;
    const route = collectorRoute(log, { secret: () => SECRET, now: () => now });
    const batch = await signed({ id: crypto.randomUUID(), sentAt: now, events: [event(1)] });
    const headers = { "x-authz-signature": batch.tag };
    expect((await post(route, batch.body, headers)).status).toBe(204);
    now += 59_000; // still inside the freshness window
    const again = await post(route, batch.body, headers);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ code: "replayed_request" });
    await log.drain();
    expect((await log.recent(10)).filter((e) => e.requestId === "req-1")).toHaveLength(1);
    // Past the window the age check refuses it, whatever the id store still remembers.
    now += 2_000;
    expect(await (await post(route, batch.body, headers)).json()).toMatchObject({
      code: "stale_request",
    });
  });

  it("two instances sharing a batch-id store refuse a batch the other one took", async () => {
    const shared = new Map<string, number>();
    const batchIds = {
      firstSeen: async (id: string) => (shared.has(id) ? false : (shared.set(id, 1), true)),
    };
    const a = wire();
    const b = wire();
    const routeA = collectorRoute(a.log, { secret: () => SECRET, batchIds });
    const routeB = collectorRoute(b.log, { secret: () => SECRET, batchIds });
    const batch = await signed({ id: crypto.randomUUID(), sentAt: Date.now(), events: [event(2)] });
    const headers = { "x-authz-signature": batch.tag };
    expect((await post(routeA, batch.body, headers)).status).toBe(204);
    expect((await post(routeB, batch.body, headers)).status).toBe(401);
  });

  it("a batch-id store that fails refuses the batch (503, Retry-After): never accepted unchecked", async () => {
    const { log } = wire();
    const route = collectorRoute(log, {
      secret: () => SECRET,
      batchIds: { firstSeen: () => Promise.reject(new Error("store down")) },
    });
    const batch = await signed({ id: crypto.randomUUID(), sentAt: Date.now(), events: [event(3)] });
    const response = await post(route, batch.body, { "x-authz-signature": batch.tag });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toMatchObject({ code: "authorization_unavailable" });
    await log.drain();
    expect((await log.recent(10)).map((e) => e.requestId)).not.toContain("req-3");
  });

  it("every batch the sink sends has a fresh id, so sending never trips the replay check", async () => {
    const { log, answers, fetchToRoute } = wire();
    const sink = collectorSink({
      url: () => "http://x.test/c",
      secret: () => SECRET,
      batchSize: 1,
      fetch: fetchToRoute,
    });
    for (let i = 0; i < 5; i++) sink.write(event(i));
    await until(() => answers.length === 5);
    expect(answers).toEqual([204, 204, 204, 204, 204]);
    await log.drain();
    expect(await log.recent(10)).toHaveLength(5);
  });
});

describe("collectorSink: a split flush", () => {
  it("a batch that fails loses that batch only; the flush's other batches still arrive", async () => {
    const { log, fetchToRoute } = wire();
    const errors: unknown[] = [];
    let posts = 0;
    const sink = collectorSink({
      url: () => "http://x.test/c",
      secret: () => SECRET,
      batchSize: 100,
      intervalMs: 5,
      fetch: async (input, init) => {
        if (posts++ === 0) throw new Error("connection reset");
        return fetchToRoute(input, init);
      },
      onError: (e) => errors.push(e),
    });
    // About 1.2 MB of JSON in one flush: three or more batches.
    for (let i = 0; i < 100; i++)
      sink.write({ ...event(i), message: "\u0001".repeat(500), path: `/${'"'.repeat(2000)}` });
    await until(() => posts >= 3);
    // The flush posts its batches in turn; the last one carries the last event.
    await until(async () => {
      await log.drain();
      return (await log.recent(1000)).some((e) => e.requestId === "req-99");
    });
    expect(errors).toHaveLength(1);
    const kept = await log.recent(1000);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(100);
    // The lost ones are the first batch's, in order: what arrived is the rest of the flush.
    expect(kept.map((e) => e.requestId).at(-1)).toBe(`req-${100 - kept.length}`);
  });
});
