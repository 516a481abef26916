/**
 * The demo's decision log on the Edge (middleware.ts). The middleware runs in its own sandbox, so
 * a memory ring there would be one nobody reads, and the Edge has no TCP for Redis: its events go
 * in signed batches to the app's collect route (app/api/authz/collect), which records them in the
 * same log as the handlers' (lib/decision-log-node.ts). Edge-safe.
 */
import { collectorSink, createDecisionLog, type DecisionLog } from "@/lib/authz/decision-log";
import { authJsSecrets, proxyTrustFromEnv } from "@/lib/authz";

/**
 * The key both sides derive their HMACs from: the current Auth.js secret, read as Auth.js reads
 * it (AUTH_SECRET byte for byte, or AUTH_SECRET_1..3 when rotating; no comma lists).
 */
export const decisionLogSecret = (): string | undefined => authJsSecrets(process.env)[0];

/**
 * Where the middleware posts its events: AUTHZ_COLLECT_URL, else this server's own origin as
 * `next start` records it (never the request's Host header, which the client writes).
 */
const collectUrl = (): string | undefined => {
  const origin = process.env.AUTHZ_COLLECT_URL ?? process.env.__NEXT_PRIVATE_ORIGIN;
  return origin ? new URL("/api/authz/collect", origin).toString() : undefined;
};

export const edgeDecisionLog: DecisionLog = createDecisionLog({
  sinks: [collectorSink({ url: collectUrl, secret: decisionLogSecret })],
  secret: decisionLogSecret,
  proxyTrust: proxyTrustFromEnv(process.env),
  // No OpenTelemetry hook on the Edge: the demo registers a tracer on Node only (instrumentation.ts),
  // so here it would record nothing. An app that registers Edge tracing (`@vercel/otel` does) adds
  // `onDecision: recordDecisionOnSpan`.
});
