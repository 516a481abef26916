/**
 * OpenTelemetry: with an SDK registered (here the in-memory exporter of
 * @opentelemetry/sdk-trace-base and the AsyncLocalStorage context manager, as a Node app's
 * instrumentation would set up), the demo's real route handlers put each decision's `authz.*`
 * attributes on the span that is active when the kit decides.
 */
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";
import { DEMO_CLAIMS } from "../support/demo-sessions";

const SECRET = "otel-integration-secret-0123456789abcdef";
const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
});

afterAll(() => {
  trace.disable();
  context.disable();
  vi.unstubAllEnvs();
});

async function inSpan(name: string, run: () => Promise<Response>) {
  const tracer = trace.getTracer("decision-log-test");
  const response = await tracer.startActiveSpan(name, async (span) => {
    try {
      return await run();
    } finally {
      span.end();
    }
  });
  const span = exporter.getFinishedSpans().find((s) => s.name === name);
  return { response, attributes: span?.attributes ?? {} };
}

describe("authz.* span attributes", () => {
  it("a refusal and an allow reach the in-memory exporter with the decision's attributes", async () => {
    vi.resetModules();
    vi.stubEnv("AUTH_SECRET", SECRET);
    vi.stubEnv("REDIS_URL", undefined);
    const users = await import("@/app/api/admin/users/route");
    const bob = await sessionCookie(DEMO_CLAIMS.bob, { secret: SECRET });
    const alice = await sessionCookie(DEMO_CLAIMS.alice, { secret: SECRET });

    const refused = await inSpan("GET /api/admin/users as bob", () =>
      users.GET(requestFor("/api/admin/users", { cookie: bob }), routeContext()),
    );
    expect(refused.response.status).toBe(403);
    expect(refused.attributes).toMatchObject({
      "authz.layer": "route",
      "authz.policy": "admin",
      "authz.outcome": "deny",
      "authz.status": 403,
      "authz.code": "role_required",
      "authz.rule": "role",
      "authz.subject": "user-bob",
      "authz.request_id": refused.response.headers.get("x-request-id"),
    });
    expect(refused.attributes["authz.duration_ms"]).toBeTypeOf("number");

    const allowed = await inSpan("GET /api/admin/users as alice", () =>
      users.GET(requestFor("/api/admin/users", { cookie: alice }), routeContext()),
    );
    expect(allowed.response.status).toBe(200);
    expect(allowed.attributes).toMatchObject({
      "authz.outcome": "allow",
      "authz.status": 200,
      "authz.subject": "user-alice",
    });
    expect(allowed.attributes).not.toHaveProperty("authz.code");
  });

  it("no active span: nothing is recorded and nothing fails", async () => {
    vi.resetModules();
    vi.stubEnv("AUTH_SECRET", SECRET);
    const me = await import("@/app/api/me/route");
    const before = exporter.getFinishedSpans().length;
    const response = await me.GET(requestFor("/api/me"), routeContext());
    expect(response.status).toBe(401);
    expect(exporter.getFinishedSpans()).toHaveLength(before);
  });
});
