/**
 * NODE.JS RUNTIME ONLY. The demo's tracing for AUTHZ_OTEL_CONSOLE=1: every finished span that
 * carries `authz.*` attributes is printed as one JSON line (`{"otel":"span",...}`). A real
 * deployment exports to its collector instead (OTLP); the kit's side does not change.
 */
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";

const jsonLineExporter: SpanExporter = {
  export(spans: ReadableSpan[], done) {
    for (const span of spans) {
      const authz = Object.entries(span.attributes).filter(([k]) => k.startsWith("authz."));
      if (authz.length === 0) continue;
      console.log(
        JSON.stringify({ otel: "span", name: span.name, attributes: Object.fromEntries(authz) }),
      );
    }
    done({ code: 0 });
  },
  shutdown: async () => undefined,
};

/** Registers a tracer provider whose spans go to standard output as JSON lines. */
export function registerConsoleTracing(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(jsonLineExporter)] }),
  );
}
