import type { DecisionEvent } from "./event";

/**
 * The OpenTelemetry span attributes of a decision, all under `authz.*`, strings and numbers only.
 *
 * @example
 * span.setAttributes(decisionSpanAttributes(event));
 * @see docs/decision-log.md#opentelemetry-attributes
 */
export function decisionSpanAttributes(event: DecisionEvent): Record<string, string | number> {
  const a: Record<string, string | number> = {
    "authz.layer": event.layer,
    "authz.policy": event.policy,
    "authz.outcome": event.outcome,
    "authz.status": event.status,
    "authz.request_id": event.requestId,
    "authz.duration_ms": event.durationMs,
  };
  if (event.code !== undefined) a["authz.code"] = event.code;
  if (event.rule !== undefined) a["authz.rule"] = event.rule;
  if (event.subject !== null) a["authz.subject"] = event.subject;
  if (event.org !== undefined) a["authz.org"] = event.org;
  if (event.action !== undefined) a["authz.action.id"] = event.action.id;
  if (event.truncated !== undefined) a["authz.truncated"] = Object.keys(event.truncated).join(",");
  if (event.shadow) {
    a["authz.shadow.policy"] = event.shadow.policy;
    a["authz.shadow.outcome"] = event.shadow.outcome;
    a["authz.shadow.status"] = event.shadow.status;
    if (event.shadow.code !== undefined) a["authz.shadow.code"] = event.shadow.code;
  }
  return a;
}
