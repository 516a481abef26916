import { DECISION_LAYERS, type DecisionEvent, type ShadowOutcome } from "./event";

const str = (v: unknown, max = 512): v is string => typeof v === "string" && v.length <= max;
const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const outcomeOf = (v: unknown): "allow" | "deny" | null =>
  v === "allow" || v === "deny" ? v : null;

function parseShadow(value: unknown): ShadowOutcome | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const outcome = outcomeOf(v.outcome);
  if (!str(v.policy, 128) || outcome === null || !num(v.status)) return null;
  return {
    policy: v.policy,
    outcome,
    status: v.status,
    ...(str(v.code, 64) ? { code: v.code } : {}),
    ...(str(v.rule, 64) ? { rule: v.rule } : {}),
  };
}

/**
 * Reads an event that comes back from storage or over the wire, keeping only the known fields
 * with the right types; null for anything else. What a sink returns passes through here, so a
 * stray field can never ride along into an answer.
 *
 * @example
 * const event = parseDecisionEvent(JSON.parse(line));
 */
export function parseDecisionEvent(value: unknown): DecisionEvent | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const outcome = outcomeOf(v.outcome);
  const layer = DECISION_LAYERS.find((l) => l === v.layer);
  if (
    !str(v.time, 40) ||
    !str(v.requestId, 128) ||
    layer === undefined ||
    !str(v.policy, 128) ||
    outcome === null ||
    !num(v.status) ||
    !(v.subject === null || str(v.subject, 256)) ||
    !str(v.method, 16) ||
    !str(v.path, 2048) ||
    !num(v.durationMs)
  )
    return null;
  const shadow = v.shadow === undefined ? null : parseShadow(v.shadow);
  return {
    time: v.time,
    requestId: v.requestId,
    layer,
    policy: v.policy,
    outcome,
    status: v.status,
    ...(str(v.code, 64) ? { code: v.code } : {}),
    ...(str(v.rule, 64) ? { rule: v.rule } : {}),
    ...(str(v.message, 512) ? { message: v.message } : {}),
    subject: v.subject,
    ...(str(v.org, 128) ? { org: v.org } : {}),
    ...(v.credential === "session" || v.credential === "bearer" || v.credential === "api_key"
      ? { credential: v.credential }
      : {}),
    ...(str(v.client, 128) ? { client: v.client } : {}),
    method: v.method,
    path: v.path,
    ...(str(v.ip, 64) ? { ip: v.ip } : {}),
    durationMs: v.durationMs,
    ...(shadow ? { shadow } : {}),
  };
}
