import type { DecisionEvent } from "./event";

/**
 * The OpenTelemetry span attributes of a decision, all under `authz.*`. Values are strings and
 * numbers only (what every exporter accepts); absent fields are left out, not set to empty.
 *
 * | attribute | value |
 * |---|---|
 * | `authz.layer` | `middleware`, `route`, `page`, `action` |
 * | `authz.policy` | the policy's name |
 * | `authz.outcome` | `allow` or `deny` |
 * | `authz.status` | the refusal's HTTP status, 200 on allow |
 * | `authz.code` / `authz.rule` | the refusal's code and rule (deny only) |
 * | `authz.subject` | the subject's id (absent when anonymous) |
 * | `authz.org` | the organization decided on, when there is one |
 * | `authz.request_id` | the `X-Request-Id` of the response |
 * | `authz.duration_ms` | time spent deciding |
 * | `authz.shadow.policy` / `.outcome` / `.status` / `.code` | a disagreeing shadow's verdict |
 *
 * @example
 * span.setAttributes(decisionSpanAttributes(event));
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
  if (event.shadow) {
    a["authz.shadow.policy"] = event.shadow.policy;
    a["authz.shadow.outcome"] = event.shadow.outcome;
    a["authz.shadow.status"] = event.shadow.status;
    if (event.shadow.code !== undefined) a["authz.shadow.code"] = event.shadow.code;
  }
  return a;
}
