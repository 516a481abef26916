/**
 * The decision log: turns each decision into one event, hands it to the sinks off the request
 * path, records it on the active trace span, and keeps the request's id. Edge-safe.
 */
import type { Deny } from "../decide/decision";
import { AuthzConfigError } from "../errors";
import type { ProxyTrust } from "../ip/client";
import type { ActionRef, DecisionEvent, DecisionLayer, ShadowOutcome } from "./event";
import { hmacTagger } from "./hmac";
import { boundDecisionEvent } from "./parse";
import { deliveryQueue, type DeliveryQueue } from "./queue";
import { logAddress, logPath } from "./redact";
import {
  FORWARDED_ID_HEADER,
  isRequestIdShape,
  newRequestId,
  REQUEST_ID_HEADER,
  signForwardedId,
  verifyForwardedId,
} from "./request-id";
import type { DecisionSink } from "./sink";
import { memorySink } from "./sinks/memory";

/** Options of {@link createDecisionLog}. */
export interface DecisionLogOptions {
  /** Where events go. Default: one memory ring of 1000 events. */
  readonly sinks?: readonly DecisionSink[];
  /**
   * Keys the HMAC that lets the middleware hand its request id to the handler. Without it each
   * layer makes its own id. Use a server secret (the demo derives it from `AUTH_SECRET`).
   */
  readonly secret?: () => string | undefined;
  /**
   * Who may set `X-Request-Id` on the way in: the deployment's proxy trust (as for client
   * addresses). With `{ kind: "none" }` (default) an incoming id is always replaced.
   */
  readonly proxyTrust?: ProxyTrust;
  /** `truncate` (default): /24 and /48 networks only. `full`: whole addresses (say why). */
  readonly addresses?: "truncate" | "full";
  /** Called synchronously with each event, inside the request: where trace attributes are set. */
  readonly onDecision?: (event: DecisionEvent) => void;
  /** Events waiting per sink before new ones are dropped (counted). Default 1000. */
  readonly queueCapacity?: number;
  /** How long one sink write may take before it is given up on. Default 1000 ms. */
  readonly writeTimeoutMs?: number;
  /** Receives sink failures and drop counts. Default: `console.error` (drops at 1, 2, 4, 8, ...). */
  readonly onError?: (
    error: unknown,
    context: { readonly sink: string; readonly dropped?: number },
  ) => void;
}

/** What a layer reports once it has decided. */
export interface DecisionReport {
  readonly layer: DecisionLayer;
  readonly policy: string;
  readonly request: Request;
  /** The refusal, or null when the request was let through. */
  readonly refusal: Deny | null;
  readonly subject: string | null;
  readonly org?: string;
  /** The credential's kind, and its non-secret label (OAuth client id, API key prefix). */
  readonly credential?: DecisionEvent["credential"];
  readonly client?: string;
  readonly ip: string | null;
  readonly startedAt: number;
  readonly shadow?: ShadowOutcome | null;
  /**
   * The path to record where the request's URL lacks it (pages rebuild a request). Only a path the
   * server knows: never one the client wrote in a header (an action's `Referer`).
   */
  readonly path?: string;
  /** The server action decided on (layer `action`); its events are POSTs to no known path. */
  readonly action?: ActionRef;
}

/** A configured decision log; pass it to `createAuthz({ decisionLog })`. */
export interface DecisionLog {
  readonly options: DecisionLogOptions;
  /** The request's id: a verified forwarded one, a trusted proxy's, or a new one. Memoized. */
  requestId(request: Request): Promise<string>;
  /** The request headers the middleware sets so the handler's event carries the same id. */
  forwardHeaders(id: string): Readonly<Record<string, string>>;
  /** Builds the event of a decision and queues it for every sink; never throws. */
  record(report: DecisionReport): void;
  /** Queues an event that was built elsewhere (the middleware's, collected); never throws. */
  accept(event: DecisionEvent): void;
  /** The latest events, newest first, from the first sink that can be read. */
  recent(limit: number): Promise<readonly DecisionEvent[]>;
  /** Resolves once every queued event was delivered or given up on. */
  drain(): Promise<void>;
  /** Events dropped so far because a sink's queue was full, by sink name. */
  dropped(): Readonly<Record<string, number>>;
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

const defaultOnError: NonNullable<DecisionLogOptions["onError"]> = (error, context) => {
  if (context.dropped !== undefined) {
    // One line per power of two: a flood of drops stays a handful of lines.
    if ((context.dropped & (context.dropped - 1)) === 0)
      console.error(
        `[authz] decision log: ${context.dropped} event(s) dropped, sink "${context.sink}" is behind`,
      );
    return;
  }
  console.error(`[authz] decision log: sink "${context.sink}" failed`, error);
};

/**
 * Creates a decision log: events from every layer to bounded, asynchronous sinks.
 *
 * @example
 * const decisionLog = createDecisionLog({
 *   sinks: [memorySink(), consoleSink()],
 *   secret: () => process.env.AUTH_SECRET,
 *   proxyTrust: proxyTrustFromEnv(process.env),
 * });
 * export const authz = createAuthz({ session, decisionLog });
 */
export function createDecisionLog(options: DecisionLogOptions = {}): DecisionLog {
  const sinks = options.sinks ?? [memorySink()];
  const capacity = options.queueCapacity ?? 1000;
  const timeoutMs = options.writeTimeoutMs ?? 1000;
  if (!Number.isSafeInteger(capacity) || capacity < 1)
    throw new AuthzConfigError(
      "invalid_decision_log_options",
      "queueCapacity",
      `expected an integer ≥ 1, got ${capacity}`,
    );
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new AuthzConfigError(
      "invalid_decision_log_options",
      "writeTimeoutMs",
      `expected a positive number, got ${timeoutMs}`,
    );
  for (const sink of sinks)
    if (typeof sink?.write !== "function")
      throw new AuthzConfigError(
        "invalid_decision_log_options",
        "decision sink",
        "expected an object with write(event)",
      );
  const addresses = options.addresses ?? "truncate";
  const trustIncoming = (options.proxyTrust?.kind ?? "none") !== "none";
  const tagger = hmacTagger(options.secret ?? (() => undefined), "request id");
  const onError = options.onError ?? defaultOnError;
  const report = (error: unknown, context: { sink: string; dropped?: number }) => {
    try {
      const r: unknown = onError(error, context);
      if (typeof (r as PromiseLike<unknown> | undefined)?.then === "function")
        Promise.resolve(r).catch(() => undefined);
    } catch {
      // A failing reporter must not reach the request.
    }
  };

  const queues: { readonly sink: DecisionSink; readonly queue: DeliveryQueue<DecisionEvent> }[] =
    sinks.map((sink) => ({
      sink,
      queue: deliveryQueue((event: DecisionEvent) => sink.write(event), {
        capacity,
        timeoutMs,
        onFailure: ({ error, dropped }) =>
          report(error ?? new Error("decision sink queue full"), {
            sink: sink.name,
            ...(dropped !== undefined ? { dropped } : {}),
          }),
      }),
    }));
  // One id per request, kept for every event and answer of that request.
  const ids = new WeakMap<Request, string>();

  const resolveId = (request: Request): string => {
    const forwarded = verifyForwardedId(tagger, request.headers.get(FORWARDED_ID_HEADER));
    if (forwarded !== null) return forwarded;
    if (trustIncoming) {
      const incoming = request.headers.get(REQUEST_ID_HEADER);
      if (isRequestIdShape(incoming)) return incoming;
    }
    return newRequestId();
  };

  const accept = (event: DecisionEvent) => {
    for (const { queue } of queues) queue.push(event);
  };

  /** The request's id, synchronous: a forwarded id's tag is the kit's own HMAC, no promise. */
  const idOf = (request: Request): string => {
    let id = ids.get(request);
    if (id === undefined) {
      try {
        id = resolveId(request);
      } catch {
        id = newRequestId();
      }
      ids.set(request, id);
    }
    return id;
  };

  return {
    options,
    requestId: async (request) => idOf(request),
    forwardHeaders(id) {
      let signed: string | null = null;
      try {
        signed = signForwardedId(tagger, id);
      } catch {
        // Without a tag the handler makes its own id; the request goes on.
      }
      const headers: Record<string, string> = {};
      if (signed !== null) headers[FORWARDED_ID_HEADER] = signed;
      return headers;
    },
    record(r) {
      try {
        const time = new Date().toISOString();
        const durationMs = Math.round((now() - r.startedAt) * 1000) / 1000;
        const ip = logAddress(r.ip, addresses);
        const rest = {
          layer: r.layer,
          policy: r.policy,
          outcome: r.refusal ? "deny" : "allow",
          status: r.refusal ? r.refusal.status : 200,
          ...(r.refusal
            ? { code: r.refusal.code, rule: r.refusal.rule, message: r.refusal.message }
            : {}),
          subject: r.subject,
          ...(r.org !== undefined ? { org: r.org } : {}),
          ...(r.credential !== undefined ? { credential: r.credential } : {}),
          ...(r.client !== undefined ? { client: r.client } : {}),
          // A server action is always a POST, whatever the rebuilt request says; the page it was
          // posted from is known only to the client, so an action event has no path of its own.
          method: r.layer === "action" ? "POST" : r.request.method.toUpperCase(),
          path: r.path ?? (r.layer === "action" ? "" : logPath(r.request.url)),
          ...(ip !== undefined ? { ip } : {}),
          durationMs,
          ...(r.shadow ? { shadow: r.shadow } : {}),
          ...(r.action ? { action: r.action } : {}),
        } as const;
        // Never dropped for its size: a field past its bound is cut and the cut counted.
        const event = boundDecisionEvent({ time, requestId: idOf(r.request), ...rest });
        try {
          options.onDecision?.(event);
        } catch (error) {
          report(error, { sink: "onDecision" });
        }
        accept(event);
      } catch (error) {
        report(error, { sink: "record" });
      }
    },
    accept(event) {
      try {
        accept(boundDecisionEvent(event));
      } catch (error) {
        report(error, { sink: "accept" });
      }
    },
    async recent(limit) {
      const readable = sinks.find((s) => typeof s.recent === "function");
      if (!readable?.recent) return [];
      return readable.recent(Math.max(0, Math.min(1000, Math.floor(limit))));
    },
    async drain() {
      await Promise.all(queues.map(({ queue }) => queue.drain()));
    },
    dropped() {
      return Object.fromEntries(queues.map(({ sink, queue }) => [sink.name, queue.dropped]));
    },
  };
}

export { REQUEST_ID_HEADER, FORWARDED_ID_HEADER };
