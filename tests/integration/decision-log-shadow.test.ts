/**
 * Shadow mode changes no byte of enforcement: every demo policy, guarding a route handler, answers
 * every demo user exactly alike with no decision log, with a log, and with a log and a shadow
 * candidate that disagrees wherever it can (or throws). Only X-Request-Id, which names each
 * request, is left out of the comparison (and is absent without a log). The events, meanwhile,
 * record exactly the disagreements.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { access, policies } from "@/lib/access";
import { createAuthz, credentialSource, memoryRateLimitStore, type Policy } from "@/lib/authz";
import {
  createDecisionLog,
  memorySink,
  withShadow,
  type DecisionEvent,
  type DecisionLog,
} from "@/lib/authz/decision-log";
import { authJsSession } from "@/lib/authz/session";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";
import { DEMO_CLAIMS } from "../support/demo-sessions";

const SECRET = "shadow-integration-secret-0123456789abcdef";
const who = ["anonymous", "alice", "bob", "carol"] as const;
const cookies: Partial<Record<(typeof who)[number], string>> = {};

beforeAll(async () => {
  for (const w of ["alice", "bob", "carol"] as const)
    cookies[w] = await sessionCookie(DEMO_CLAIMS[w], { secret: SECRET });
});

// A document of acme owned by bob: tenant and owner rules both have something to decide.
const doc = { id: "doc-acme-1", tenantId: "acme", ownerId: "user-bob", tenant: "acme" };

const session = authJsSession({ secret: () => SECRET });
const kit = (decisionLog?: DecisionLog) =>
  createAuthz({
    session,
    // The demo's authoritative policies (manage-user, org-members) ask it, as lib/authz-node.ts.
    authoritativeSession: credentialSource(session, "authjs"),
    clientIp: () => "203.0.113.9",
    // One fixed clock: Retry-After must not tick between the runs compared.
    rateLimitStore: memoryRateLimitStore({ now: () => 1_800_000_030_000 }),
    now: () => 1_800_000_030_000,
    ...(decisionLog ? { decisionLog } : {}),
  });

// Candidates that disagree with the demo's policies in every direction a rule can.
const candidates: readonly Policy<typeof access.declaration>[] = [
  access.policy({ name: "cand-admin", role: "admin" }),
  access.policy({ name: "cand-public", signedIn: false }),
  access.policy({ name: "cand-pro", feature: "export" }),
  access.policy({ name: "cand-ip", signedIn: false, ip: { allow: ["10.0.0.0/8"] } }),
  access.policy({ name: "cand-owner", resource: { owner: "ownerId", conceal: "all" } }),
  access.policy({
    name: "cand-tenant-403",
    permission: "documents:read",
    resource: { tenant: "tenantId" },
  }),
];

async function snapshot(response: Response) {
  return {
    status: response.status,
    headers: [...response.headers].filter(([name]) => name !== "x-request-id"),
    body: await response.text(),
  };
}

async function answers(policy: Policy<typeof access.declaration>, decisionLog?: DecisionLog) {
  const authz = kit(decisionLog);
  const handler = authz.withAuthorization(
    policy as Policy<typeof access.declaration, { resource: { tenant: "tenantId" } }>,
    { load: () => doc },
    async (_request, { subject }) => Response.json({ ok: true, subject: subject?.id ?? null }),
  );
  const out = [];
  // Six calls each, so the export rate limit (5 a minute) refuses the last one too.
  for (const w of who)
    for (let i = 0; i < 6; i++) {
      const request = requestFor("/api/x", {
        method: "POST",
        ...(cookies[w as "alice"] ? { cookie: cookies[w as "alice"] } : {}),
      });
      out.push(await snapshot(await handler(request, routeContext())));
    }
  return out;
}

describe("enforcement is byte-identical with and without a shadow", () => {
  const demo = Object.values(policies) as Policy<typeof access.declaration>[];

  it.each(demo.map((p) => [p.name, p] as const))("%s", async (_name, policy) => {
    const plain = await answers(policy);
    expect(await answers(policy, createDecisionLog({ sinks: [memorySink()] }))).toEqual(plain);
    for (const candidate of candidates) {
      const log = createDecisionLog({ sinks: [memorySink({ capacity: 100 })] });
      expect(await answers(withShadow(policy, candidate), log), candidate.name).toEqual(plain);
    }
    // A candidate whose rule throws (a loaded resource without the key it reads) changes nothing.
    const broken = access.policy({ name: "cand-broken", resource: { tenant: "missingKey" } });
    expect(await answers(withShadow(policy, broken), createDecisionLog())).toEqual(plain);
  });
});

describe("the events record exactly where the two disagree", () => {
  it("the demo's export shadow: only the free plan's member, refused now, allowed by the candidate", async () => {
    const sink = memorySink({ capacity: 100 });
    const log = createDecisionLog({ sinks: [sink] });
    await answers(policies.exportReports, log);
    await new Promise((r) => setTimeout(r, 0));
    await log.drain();
    const events = (await sink.recent!(100)) as DecisionEvent[];
    expect(events).toHaveLength(24);
    const disagreeing = events.filter((e) => e.shadow);
    expect(disagreeing.map((e) => [e.subject, e.code, e.shadow])).toEqual(
      Array.from({ length: 6 }, () => [
        "user-bob",
        "plan_required",
        { policy: "export-reports-all-plans", outcome: "allow", status: 200 },
      ]),
    );
  });
});
