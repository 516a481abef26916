/**
 * Next's instrumentation hook (https://nextjs.org/docs/app/guides/open-telemetry): runs once per
 * server instance before any request. The kit records its decisions on the active span through
 * `@opentelemetry/api` alone; a deployment registers the SDK and exporter it uses here (or with
 * `@vercel/otel`). The demo registers one only when AUTHZ_OTEL_CONSOLE=1: spans printed as JSON
 * lines, so the `authz.*` attributes can be seen (and tested) without a collector.
 *
 * It also opens the demo database before the first request: embedded PGlite takes seconds to
 * start on a busy machine, which the first page visit should not wait for.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.AUTHZ_OTEL_CONSOLE === "1") {
    const { registerConsoleTracing } = await import("./lib/otel-console-node");
    registerConsoleTracing();
  }
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { demoDb } = await import("./lib/demo/db/client-node");
    // A database that cannot open now is retried by the first request that needs it (which then
    // fails closed with a 503): start-up goes on.
    await demoDb().catch((error: unknown) => {
      console.error("[demo] the demo database could not be opened at start", error);
    });
  }
}
