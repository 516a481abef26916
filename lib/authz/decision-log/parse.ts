import {
  DECISION_FIELD_BOUNDS,
  DECISION_LAYERS,
  type ActionRef,
  type BoundedField,
  type DecisionEvent,
  type ShadowOutcome,
} from "./event";

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const outcomeOf = (v: unknown): "allow" | "deny" | null =>
  v === "allow" || v === "deny" ? v : null;
const isBoundedField = (key: string): key is BoundedField =>
  Object.prototype.hasOwnProperty.call(DECISION_FIELD_BOUNDS, key);

/** Cuts text fields to their bound and counts what it cut, per field. */
class Cutter {
  cuts: Record<string, number> | undefined;

  constructor(previous: unknown) {
    // Cuts made upstream (the middleware's own log) travel with the event and add up here.
    if (typeof previous !== "object" || previous === null) return;
    for (const [key, count] of Object.entries(previous))
      if (isBoundedField(key) && Number.isSafeInteger(count) && (count as number) > 0)
        this.add(key, count as number);
  }

  private add(field: BoundedField, count: number): void {
    this.cuts ??= {};
    this.cuts[field] = (this.cuts[field] ?? 0) + count;
  }

  /** The value cut to the field's bound (never inside a surrogate pair); non-strings: undefined. */
  text(value: unknown, field: BoundedField): string | undefined {
    if (typeof value !== "string") return undefined;
    const max = DECISION_FIELD_BOUNDS[field];
    if (value.length <= max) return value;
    let end = max;
    const last = value.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    this.add(field, value.length - end);
    return value.slice(0, end);
  }
}

function parseShadow(value: unknown, cut: Cutter): ShadowOutcome | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const outcome = outcomeOf(v.outcome);
  const policy = cut.text(v.policy, "shadow.policy");
  if (policy === undefined || outcome === null || !num(v.status)) return null;
  const code = cut.text(v.code, "shadow.code");
  const rule = cut.text(v.rule, "shadow.rule");
  return {
    policy,
    outcome,
    status: v.status,
    ...(code !== undefined ? { code } : {}),
    ...(rule !== undefined ? { rule } : {}),
  };
}

function parseAction(value: unknown, cut: Cutter): ActionRef | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const id = cut.text(v.id, "action.id");
  if (id === undefined) return null;
  const name = cut.text(v.name, "action.name");
  return { id, ...(name !== undefined ? { name } : {}) };
}

/**
 * Reads an event that comes back from storage or over the wire, keeping only the known fields
 * with the right types; null for anything else. What a sink returns passes through here, so a
 * stray field can never ride along into an answer. A text field longer than its bound is cut to
 * it and counted in `truncated`: an event is never dropped for its size.
 *
 * @example
 * const event = parseDecisionEvent(JSON.parse(line));
 * @see docs/decision-log.md#field-bounds
 */
export function parseDecisionEvent(value: unknown): DecisionEvent | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const cut = new Cutter(v.truncated);
  const outcome = outcomeOf(v.outcome);
  const layer = DECISION_LAYERS.find((l) => l === v.layer);
  const time = cut.text(v.time, "time");
  const requestId = cut.text(v.requestId, "requestId");
  const policy = cut.text(v.policy, "policy");
  const subject = v.subject === null ? null : cut.text(v.subject, "subject");
  const method = cut.text(v.method, "method");
  const path = cut.text(v.path, "path");
  if (
    time === undefined ||
    requestId === undefined ||
    layer === undefined ||
    policy === undefined ||
    outcome === null ||
    !num(v.status) ||
    subject === undefined ||
    method === undefined ||
    path === undefined ||
    !num(v.durationMs)
  )
    return null;
  const code = cut.text(v.code, "code");
  const rule = cut.text(v.rule, "rule");
  const message = cut.text(v.message, "message");
  const org = cut.text(v.org, "org");
  const ip = cut.text(v.ip, "ip");
  const client = cut.text(v.client, "client");
  const shadow = v.shadow === undefined ? null : parseShadow(v.shadow, cut);
  const action = v.action === undefined ? null : parseAction(v.action, cut);
  return {
    time,
    requestId,
    layer,
    policy,
    outcome,
    status: v.status,
    ...(code !== undefined ? { code } : {}),
    ...(rule !== undefined ? { rule } : {}),
    ...(message !== undefined ? { message } : {}),
    subject,
    ...(org !== undefined ? { org } : {}),
    ...(v.credential === "session" || v.credential === "bearer" || v.credential === "api_key"
      ? { credential: v.credential }
      : {}),
    ...(client !== undefined ? { client } : {}),
    method,
    path,
    ...(ip !== undefined ? { ip } : {}),
    durationMs: v.durationMs,
    ...(shadow ? { shadow } : {}),
    ...(action ? { action } : {}),
    ...(cut.cuts ? { truncated: cut.cuts } : {}),
  };
}

/**
 * The event with every text field within its bound (cuts counted in `truncated`); the event itself
 * when nothing is too long. What the log applies to each event it builds, before any sink.
 *
 * @example
 * boundDecisionEvent({ ...event, path: "/x".repeat(2000) }).truncated; // { path: 1952 }
 * @see docs/decision-log.md#field-bounds
 */
export function boundDecisionEvent(event: DecisionEvent): DecisionEvent {
  // The common case costs one length comparison per field.
  const fields = event as unknown as Record<string, unknown>;
  for (const [head, tail, max] of BOUND_PATHS) {
    const holder = tail === undefined ? fields : fields[head];
    const value =
      typeof holder === "object" && holder !== null
        ? (holder as Record<string, unknown>)[tail ?? head]
        : undefined;
    if (typeof value === "string" && value.length > max) return parseDecisionEvent(event) ?? event;
  }
  return event;
}

const BOUND_PATHS: readonly (readonly [string, string | undefined, number])[] = Object.entries(
  DECISION_FIELD_BOUNDS,
).map(([field, max]) => {
  const [head = field, tail] = field.split(".");
  return [head, tail, max] as const;
});
