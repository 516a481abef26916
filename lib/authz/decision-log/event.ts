/**
 * One authorization decision as the log keeps it. Built from facts the kit already holds (policy,
 * refusal, subject id, method, path); never from a cookie, a header value, the query string or the
 * body, so a secret the client sends cannot reach a sink.
 */

/** Where the decision was made. */
export type DecisionLayer = "middleware" | "route" | "page" | "action";

/** What a shadow (candidate) policy would have decided, kept only where it disagrees. */
export interface ShadowOutcome {
  /** The candidate policy's name. */
  readonly policy: string;
  readonly outcome: "allow" | "deny";
  readonly status: number;
  readonly code?: string;
  readonly rule?: string;
}

/** One decision of the kit: what a sink receives and `GET /api/admin/decisions` returns. */
export interface DecisionEvent {
  /** When the decision was made: ISO 8601, UTC. */
  readonly time: string;
  /** The id on the response's `X-Request-Id`; the middleware's and the handler's events share it. */
  readonly requestId: string;
  readonly layer: DecisionLayer;
  /** The policy's name. */
  readonly policy: string;
  readonly outcome: "allow" | "deny";
  /** The refusal's status, or 200 when the kit let the request through. */
  readonly status: number;
  /** The refusal's stable code (absent on allow). */
  readonly code?: string;
  /** The rule that refused (`role`, `feature`, `tenant`, ...; absent on allow). */
  readonly rule?: string;
  /** The refusal's client-facing sentence (absent on allow): what the user saw. */
  readonly message?: string;
  /** The subject's id, or null when anonymous. */
  readonly subject: string | null;
  /** The organization the decision was about, when a policy checks one. */
  readonly org?: string;
  /** The kind of credential that decided (`session`, `bearer`, `api_key`); absent when anonymous. */
  readonly credential?: "session" | "bearer" | "api_key";
  /** A bearer token's OAuth client id or an API key's visible prefix: never the token or key. */
  readonly client?: string;
  readonly method: string;
  /** The request path, without the query string. */
  readonly path: string;
  /** The client address, truncated to its /24 (IPv4) or /48 (IPv6) unless the app opts in. */
  readonly ip?: string;
  /** Time spent deciding, in milliseconds. */
  readonly durationMs: number;
  /** Present only when a shadow policy disagrees with the enforced one. */
  readonly shadow?: ShadowOutcome;
  /** The server action decided on (layer `action`): its id from the build and its name. */
  readonly action?: ActionRef;
  /**
   * Present only when a field was longer than its bound: field name → characters cut. The event is
   * kept, never dropped for its size (see `DECISION_FIELD_BOUNDS`).
   */
  readonly truncated?: Readonly<Record<string, number>>;
}

/** Which server action a decision was about: the id Next's build gave it, and its name if known. */
export interface ActionRef {
  readonly id: string;
  readonly name?: string;
}

/**
 * The longest each text field of an event may be, in UTF-16 code units. A longer value is cut to
 * this bound and the cut counted in the event's `truncated`, on every sink and on the read path.
 *
 * @example
 * DECISION_FIELD_BOUNDS.path; // 2048
 * @see docs/decision-log.md#field-bounds
 */
export const DECISION_FIELD_BOUNDS = {
  time: 40,
  requestId: 128,
  policy: 128,
  code: 64,
  rule: 64,
  message: 512,
  subject: 256,
  org: 128,
  client: 128,
  method: 16,
  path: 2048,
  ip: 64,
  "shadow.policy": 128,
  "shadow.code": 64,
  "shadow.rule": 64,
  "action.id": 128,
  "action.name": 128,
} as const;

/** A bounded field's name, as `truncated` reports it. */
export type BoundedField = keyof typeof DECISION_FIELD_BOUNDS;

/** The layers, for validating events that arrive from elsewhere (the middleware's collector). */
export const DECISION_LAYERS: readonly DecisionLayer[] = ["middleware", "route", "page", "action"];
