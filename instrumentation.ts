/**
 * Next's instrumentation hook (https://nextjs.org/docs/app/guides/open-telemetry): runs once per
 * server instance before any request. The kit records its decisions on the active span through
 * `@opentelemetry/api` alone; a deployment registers the SDK and exporter it uses here (or with
 * `@vercel/otel`). The demo registers one only when AUTHZ_OTEL_CONSOLE=1: spans printed as JSON
 * lines, so the `authz.*` attributes can be seen (and tested) without a collector.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.AUTHZ_OTEL_CONSOLE === "1") {
    const { registerConsoleTracing } = await import("./lib/otel-console-node");
    registerConsoleTracing();
  }
}
