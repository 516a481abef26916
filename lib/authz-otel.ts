/**
 * OpenTelemetry for the decision log: sets each decision's `authz.*` attributes on the span that
 * is active when the kit decides. Uses only `@opentelemetry/api`, which is edge-safe and a no-op
 * until an SDK registers a tracer provider (the demo does so in `instrumentation.ts`). It lives
 * outside `lib/authz/` so the kit's folder keeps no dependency beyond `next`.
 */
import { trace } from "@opentelemetry/api";
import { decisionSpanAttributes, type DecisionEvent } from "./authz/decision-log";

/**
 * The `onDecision` hook of `createDecisionLog` that records decisions on the active span.
 *
 * @example
 * const decisionLog = createDecisionLog({ onDecision: recordDecisionOnSpan });
 */
export function recordDecisionOnSpan(event: DecisionEvent): void {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  span.setAttributes(decisionSpanAttributes(event));
}
