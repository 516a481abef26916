/**
 * Carries events from the Edge middleware, which cannot reach the app's store, to a route handler
 * that records them in the app's decision log, in signed, time-stamped batches.
 *
 * @see docs/decision-log.md#collector
 */
import { deny, type Deny, type DenyCode } from "../../decide/decision";
import { denialResponse } from "../../http/respond";
import type { DecisionEvent } from "../event";
import { webCryptoTagger } from "../hmac";
import { REQUEST_ID_HEADER, type DecisionLog } from "../log";
import { parseDecisionEvent } from "../parse";
import type { DecisionSink } from "../sink";

const SIGNATURE_HEADER = "x-authz-signature";
const MAX_BODY_BYTES = 512 * 1024;
const MAX_AGE_MS = 60_000;
// Room for the batch's own fields around its events (`{"id":"<uuid>","sentAt":<ms>,"events":[]}`).
const BATCH_OVERHEAD_BYTES = 128;
// A batch id: the sink's random UUID; anything else is a bad body.
const BATCH_ID = /^[0-9a-f-]{36}$/;
/** The 401 challenge of the collector: its own scheme, the signed-batch header it expects. */
const COLLECTOR_CHALLENGE = `AuthzBatch realm="decision-collector", header="${SIGNATURE_HEADER}"`;

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
  const tagger = webCryptoTagger(options.secret, "decision batch");
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

  /** Posts one signed batch; a refusal or a network error is reported and the batch is lost. */
  const post = async (url: string, serialized: readonly string[]) => {
    // A fresh id per batch, inside the signed body: the collector refuses an id it has seen.
    const body = `{"id":"${crypto.randomUUID()}","sentAt":${Date.now()},"events":[${serialized.join(",")}]}`;
    const tag = await tagger.tag(body);
    if (tag === null) throw new Error("collector secret is not set");
    const response = await send(url, {
      method: "POST",
      headers: { "content-type": "application/json", [SIGNATURE_HEADER]: tag },
      body,
    });
    if (!response.ok) throw new Error(`collector answered ${response.status}`);
  };

  const report = (error: unknown) => {
    try {
      onError(error);
    } catch {
      // nothing more to do
    }
  };
  /** One batch; a failure loses that batch only, the flush's other batches still go. */
  const deliver = (url: string, serialized: readonly string[]) =>
    post(url, serialized).catch(report);

  const flush = async () => {
    timer = undefined;
    const events = buffer;
    buffer = [];
    if (events.length === 0) return;
    try {
      const url = options.url();
      if (!url) throw new Error("collector URL is not set");
      // Split by size as well as count, so no batch is ever refused (413) for its size: each
      // event is bounded (DECISION_FIELD_BOUNDS), and UTF-8 takes at most 3 bytes per code unit.
      let chunk: string[] = [];
      let bytes = BATCH_OVERHEAD_BYTES;
      for (const event of events) {
        const text = JSON.stringify(event);
        const size = text.length * 3 + 1;
        if (chunk.length > 0 && bytes + size > MAX_BODY_BYTES) {
          await deliver(url, chunk);
          chunk = [];
          bytes = BATCH_OVERHEAD_BYTES;
        }
        chunk.push(text);
        bytes += size;
      }
      await deliver(url, chunk);
    } catch (error) {
      report(error);
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
 * Remembers batch ids until they could no longer pass the freshness check: `firstSeen` answers true
 * the first time it is given an id, false on every later call while the id lives (`ttlMs`).
 * Across several instances, back it by a shared store (Redis `SET key 1 NX PX ttl`).
 *
 * @example
 * const batchIds: BatchIdStore = {
 *   firstSeen: async (id, ttlMs) =>
 *     (await redis.set(`app:batch:${id}`, "1", { NX: true, PX: ttlMs })) === "OK",
 * };
 */
export interface BatchIdStore {
  firstSeen(id: string, ttlMs: number): boolean | Promise<boolean>;
}

/** Batch ids in this process's memory, expired ones swept as new ones arrive. */
function memoryBatchIds(now: () => number): BatchIdStore {
  const until = new Map<string, number>();
  return {
    firstSeen(id, ttlMs) {
      const t = now();
      // Insertion order is nearly expiry order (every id lives about as long): sweep the front.
      for (const [old, expires] of until) {
        if (expires > t) break;
        until.delete(old);
      }
      const known = until.get(id);
      if (known !== undefined && known > t) return false;
      until.set(id, t + ttlMs);
      return true;
    },
  };
}

/**
 * Options of {@link collectorRoute}.
 *
 * @example
 * collectorRoute(decisionLog, { secret: () => process.env.AUTH_SECRET, batchIds });
 */
export interface CollectorRouteOptions {
  /** The secret both sides share. */
  readonly secret: () => string | undefined;
  /** The clock (tests). Default `Date.now`. */
  readonly now?: () => number;
  /** Where batch ids are remembered, to refuse a replay. Default: this process's memory. */
  readonly batchIds?: BatchIdStore;
}

/**
 * The route handler that records {@link collectorSink} batches in `log`: 204; 401 for a batch that
 * is unsigned, wrongly signed, stale or seen before; 400/413 for a bad body. Refusals are the kit's
 * JSON bodies (`{ error, message, code }`, `no-store`, a challenge on 401) and, when `log` can
 * record, decision events of their own.
 *
 * @example
 * export const POST = publicRoute("accepts only batches signed with the app's secret",
 *   collectorRoute(decisionLog, { secret: () => process.env.AUTH_SECRET }));
 * @see docs/decision-log.md#collector
 */
export function collectorRoute(
  log: Pick<DecisionLog, "accept"> & Partial<Pick<DecisionLog, "record" | "requestId">>,
  options: CollectorRouteOptions,
): (request: Request) => Promise<Response> {
  const tagger = webCryptoTagger(options.secret, "decision batch");
  const clock = options.now ?? Date.now;
  const batchIds = options.batchIds ?? memoryBatchIds(clock);
  const refuse = async (
    request: Request,
    code: DenyCode,
    message: string,
    startedAt: number,
    headers?: Record<string, string>,
  ) => {
    const refusal: Deny = deny(code, message, {
      rule: "collector",
      ...(headers ? { headers } : {}),
    });
    const response = denialResponse(refusal, request, { challenge: COLLECTOR_CHALLENGE });
    // A refused batch is a probe or a fault: it leaves a trace like any other refusal.
    try {
      log.record?.({
        layer: "route",
        policy: "decision-collector",
        request,
        refusal,
        subject: null,
        ip: null,
        startedAt,
      });
      const id = await log.requestId?.(request);
      if (id) response.headers.set(REQUEST_ID_HEADER, id);
    } catch {
      // The answer stands without its trace.
    }
    return response;
  };
  return async (request) => {
    const startedAt = typeof performance !== "undefined" ? performance.now() : Date.now();
    const tooLarge = "The batch is larger than the collector accepts";
    const badBody = "The batch is not a valid event batch";
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > MAX_BODY_BYTES) return refuse(request, "payload_too_large", tooLarge, startedAt);
    const body = await readUpTo(request, MAX_BODY_BYTES).catch(() => undefined);
    if (body === undefined) return refuse(request, "invalid_request", badBody, startedAt);
    if (body === null) return refuse(request, "payload_too_large", tooLarge, startedAt);
    const tag = request.headers.get(SIGNATURE_HEADER);
    if (tag === null || !(await tagger.isValidTag(body, tag).catch(() => false)))
      return refuse(
        request,
        "invalid_signature",
        "The batch's signature is missing or wrong",
        startedAt,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return refuse(request, "invalid_request", badBody, startedAt);
    }
    const batch = parsed as { id?: unknown; sentAt?: unknown; events?: unknown };
    if (typeof batch?.sentAt !== "number" || !Number.isFinite(batch.sentAt))
      return refuse(request, "invalid_request", badBody, startedAt);
    const age = clock() - batch.sentAt;
    if (Math.abs(age) > MAX_AGE_MS)
      return refuse(request, "stale_request", "The batch is too old or from the future", startedAt);
    if (typeof batch.id !== "string" || !BATCH_ID.test(batch.id) || !Array.isArray(batch.events))
      return refuse(request, "invalid_request", badBody, startedAt);
    // Remembered for as long as the batch stays fresh: after that the age check refuses it.
    let first: boolean;
    try {
      first = await batchIds.firstSeen(batch.id, MAX_AGE_MS - age + 1000);
    } catch {
      // A store that fails cannot vouch for the batch: refused, as a fault (fail closed).
      return refuse(
        request,
        "authorization_unavailable",
        "The collector cannot check batches right now",
        startedAt,
        { "Retry-After": "5" },
      );
    }
    if (!first)
      return refuse(request, "replayed_request", "The batch was delivered before", startedAt);
    for (const raw of batch.events) {
      const event = parseDecisionEvent(raw);
      if (event) log.accept(event);
    }
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  };
}
