/**
 * Carries events from the Edge middleware, which cannot reach the app's store, to a route handler
 * that records them in the app's decision log, in signed, time-stamped batches.
 *
 * @see docs/decision-log.md#collector
 */
import type { DecisionEvent } from "../event";
import { hmacTagger } from "../hmac";
import type { DecisionLog } from "../log";
import { parseDecisionEvent } from "../parse";
import type { DecisionSink } from "../sink";

const SIGNATURE_HEADER = "x-authz-signature";
const MAX_BODY_BYTES = 512 * 1024;
const MAX_AGE_MS = 60_000;

/** Options of {@link collectorSink}. */
export interface CollectorSinkOptions {
  /** The collecting route's absolute URL, e.g. `http://127.0.0.1:3000/api/authz/collect`. */
  readonly url: () => string | undefined;
  /** The secret both sides share. */
  readonly secret: () => string | undefined;
  /** Largest batch. Default 100. */
  readonly batchSize?: number;
  /** How long an event may wait for its batch to fill. Default 50 ms. */
  readonly intervalMs?: number;
  /** Events held before new ones are refused (the queue counts them). Default 1000. */
  readonly maxBuffered?: number;
  /** Receives a failed delivery (the batch is lost). Default: `console.error`. */
  readonly onError?: (error: unknown) => void;
  /** The fetch to send with (tests). Default: global `fetch`. */
  readonly fetch?: typeof fetch;
}

/**
 * A sink that posts events in signed batches to {@link collectorRoute}.
 *
 * @example
 * const sink = collectorSink({
 *   url: () => `${process.env.APP_ORIGIN}/api/authz/collect`,
 *   secret: () => process.env.AUTH_SECRET,
 * });
 */
export function collectorSink(options: CollectorSinkOptions): DecisionSink {
  const batchSize = options.batchSize ?? 100;
  const intervalMs = options.intervalMs ?? 50;
  const maxBuffered = options.maxBuffered ?? 1000;
  const tagger = hmacTagger(options.secret, "decision batch");
  let lastReport = Number.NEGATIVE_INFINITY;
  // The default reports at most one failure per 30 s: a collector that is down stays one line.
  const onError =
    options.onError ??
    ((error: unknown) => {
      if (Date.now() - lastReport < 30_000) return;
      lastReport = Date.now();
      console.error("[authz] decision collector failed; batches are being lost", error);
    });
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  let buffer: DecisionEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = async () => {
    timer = undefined;
    const events = buffer;
    buffer = [];
    if (events.length === 0) return;
    try {
      const url = options.url();
      if (!url) throw new Error("collector URL is not set");
      const body = JSON.stringify({ sentAt: Date.now(), events });
      const tag = await tagger.tag(body);
      if (tag === null) throw new Error("collector secret is not set");
      const response = await send(url, {
        method: "POST",
        headers: { "content-type": "application/json", [SIGNATURE_HEADER]: tag },
        body,
      });
      if (!response.ok) throw new Error(`collector answered ${response.status}`);
    } catch (error) {
      try {
        onError(error);
      } catch {
        // nothing more to do
      }
    }
  };

  return {
    name: "collector",
    write(event) {
      if (buffer.length >= maxBuffered) throw new Error("collector buffer full");
      buffer.push(event);
      if (buffer.length >= batchSize) {
        if (timer !== undefined) clearTimeout(timer);
        void flush();
      } else {
        timer ??= setTimeout(() => void flush(), intervalMs);
      }
    },
  };
}

/** The body as text, or null past `max` bytes (a chunked body is never buffered past it). */
async function readUpTo(request: Request, max: number): Promise<string | null> {
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * The route handler that records {@link collectorSink} batches in `log` (204; 401 unsigned or
 * stale; 400/413 for a bad body).
 *
 * @example
 * export const POST = publicRoute("accepts only batches signed with the app's secret",
 *   collectorRoute(decisionLog, { secret: () => process.env.AUTH_SECRET }));
 */
export function collectorRoute(
  log: Pick<DecisionLog, "accept">,
  options: { readonly secret: () => string | undefined; readonly now?: () => number },
): (request: Request) => Promise<Response> {
  const tagger = hmacTagger(options.secret, "decision batch");
  const clock = options.now ?? Date.now;
  const answer = (status: number) =>
    new Response(null, { status, headers: { "Cache-Control": "no-store" } });
  return async (request) => {
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > MAX_BODY_BYTES) return answer(413);
    const body = await readUpTo(request, MAX_BODY_BYTES).catch(() => undefined);
    if (body === undefined) return answer(400);
    if (body === null) return answer(413);
    const tag = request.headers.get(SIGNATURE_HEADER);
    if (tag === null || !(await tagger.isValidTag(body, tag))) return answer(401);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return answer(400);
    }
    const batch = parsed as { sentAt?: unknown; events?: unknown };
    if (typeof batch?.sentAt !== "number" || Math.abs(clock() - batch.sentAt) > MAX_AGE_MS)
      return answer(401);
    if (!Array.isArray(batch.events)) return answer(400);
    for (const raw of batch.events) {
      const event = parseDecisionEvent(raw);
      if (event) log.accept(event);
    }
    return answer(204);
  };
}
