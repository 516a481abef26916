/**
 * The decision log is tenant data (issue 23, point 2), end to end through the real handlers with
 * real Auth.js cookies: the demo's users make real decisions (GET /api/me, the org documents API,
 * anonymous probes), then GET /api/admin/decisions answers each reader with what the model of
 * docs/decision-log.md ("Who reads the log") lets them see. The answers of DESIGN §1.6 stay:
 * anonymous 401, member 403, admin 200 `{ decisions }` newest first.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_CLAIMS } from "../support/demo-sessions";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";
import type { DecisionEvent } from "@/lib/authz/decision-log";

const SECRET = "decisions-scope-integration-secret-0123456789";

async function loadDemo() {
  vi.resetModules();
  for (const [name, value] of Object.entries({
    AUTH_SECRET: SECRET,
    REDIS_URL: undefined,
    VERCEL: undefined,
    TRUSTED_PROXY_HOPS: undefined,
    TRUSTED_PROXY_CIDRS: undefined,
  }))
    vi.stubEnv(name, value);
  const [decisions, me, documents, log] = await Promise.all([
    import("@/app/api/admin/decisions/route"),
    import("@/app/api/me/route"),
    import("@/app/api/orgs/[org]/documents/route"),
    import("@/lib/decision-log-node"),
  ]);
  return { decisions, me, documents, log: log.decisionLog };
}

type Who = keyof typeof DEMO_CLAIMS | "operator" | "anonymous";
const cookies: Partial<Record<Who, string>> = {};
let demo: Awaited<ReturnType<typeof loadDemo>>;

/** What each caller did, by request id, to compare every reader's view with. */
const made: { who: Who; id: string; what: string }[] = [];

async function call(who: Who, what: string, run: (request: Request) => Promise<Response>) {
  const path = what.split(" ")[1]!;
  const response = await run(requestFor(path, { cookie: cookies[who] }));
  await response.arrayBuffer();
  made.push({ who, id: response.headers.get("x-request-id")!, what });
}

async function read(who: Who, limit = 1000) {
  const response = await demo.decisions.GET(
    requestFor(`/api/admin/decisions?limit=${limit}`, { cookie: cookies[who] }),
    routeContext(),
  );
  return response;
}

async function seen(who: Who): Promise<Set<string>> {
  const response = await read(who);
  expect(response.status).toBe(200);
  const { decisions } = (await response.json()) as { decisions: DecisionEvent[] };
  return new Set(decisions.map((d) => d.requestId));
}

beforeAll(async () => {
  demo = await loadDemo();
  for (const who of ["alice", "bob", "carol", "dave"] as const)
    cookies[who] = await sessionCookie(DEMO_CLAIMS[who], { secret: SECRET });
  // The explicit grant: a session whose role is `operator` (lib/access.ts). No demo user holds it;
  // a deployment gives it to the people who run it. Here: alice's account with that role.
  cookies.operator = await sessionCookie(
    { ...DEMO_CLAIMS.alice, role: "operator" },
    { secret: SECRET },
  );
  const orgDocs = (org: string) => (r: Request) => demo.documents.GET(r, routeContext({ org }));
  for (const who of ["alice", "bob", "carol", "dave", "anonymous"] as const)
    await call(who, "GET /api/me", (r) => demo.me.GET(r, routeContext()));
  await call("dave", "GET /api/orgs/globex/documents", orgDocs("globex"));
  await call("dave", "GET /api/orgs/acme/documents", orgDocs("acme"));
  await call("carol", "GET /api/orgs/globex/documents", orgDocs("globex"));
  await call("carol", "GET /api/orgs/acme/documents", orgDocs("acme")); // a probe: 404
  await call("bob", "GET /api/orgs/globex/documents", orgDocs("globex")); // a probe: 404
  await call("anonymous", "GET /api/orgs/acme/documents", orgDocs("acme"));
  await call("anonymous", "GET /api/orgs/globex/documents", orgDocs("globex"));
  await new Promise((r) => setTimeout(r, 0));
  await demo.log.drain();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe("GET /api/admin/decisions keeps its answers (DESIGN §1.6)", () => {
  it("anonymous 401 with a challenge, member 403, bad limit 400, admin 200 newest first", async () => {
    const anonymous = await read("anonymous");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBeTruthy();
    expect((await read("bob")).status).toBe(403);
    expect((await read("dave")).status).toBe(403); // an org admin is not a tenant admin
    const bad = await demo.decisions.GET(
      requestFor("/api/admin/decisions?limit=0", { cookie: cookies.alice }),
      routeContext(),
    );
    expect(bad.status).toBe(400);
    const ok = await read("alice", 3);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const { decisions } = (await ok.json()) as { decisions: DecisionEvent[] };
    expect(decisions).toHaveLength(3);
    const times = decisions.map((d) => d.time);
    expect([...times].sort().reverse()).toEqual(times);
  });
});

describe("what each reader sees", () => {
  const ids = (pred: (m: (typeof made)[number]) => boolean) => made.filter(pred).map((m) => m.id);

  it("alice (acme admin): acme's users and acme's org; no globex user, nothing inside globex", async () => {
    const view = await seen("alice");
    const expected = ids(
      (m) =>
        (m.what === "GET /api/me" && ["alice", "bob", "dave"].includes(m.who)) ||
        (m.what === "GET /api/orgs/acme/documents" && m.who !== "carol") ||
        (m.who === "bob" && m.what === "GET /api/orgs/globex/documents"),
    );
    for (const id of expected) expect(view.has(id), id).toBe(true);
    const hidden = ids((m) => !expected.includes(m.id));
    expect(hidden.length).toBeGreaterThan(0);
    for (const id of hidden) expect(view.has(id), made.find((m) => m.id === id)!.what).toBe(false);
    // Nothing in alice's answer names a globex user, or is a globex member's work inside globex.
    const { decisions } = (await (await read("alice")).json()) as { decisions: DecisionEvent[] };
    expect(JSON.stringify(decisions)).not.toContain("user-carol");
    for (const d of decisions.filter((e) => e.org === "globex" || e.path.includes("globex")))
      expect(d.subject, d.path).toBe("user-bob"); // his own refused probe: acme's business
  });

  it("the operator grant sees every event the callers made, anonymous ones included", async () => {
    const view = await seen("operator");
    for (const { id, what, who } of made) expect(view.has(id), `${who} ${what}`).toBe(true);
  });

  it("the reader: admin orgs from the current memberships (role admin only), the grant from the role", async () => {
    const { readerOf } = await import("@/lib/decision-log-scope-node");
    const { access } = await import("@/lib/access");
    const dave = access.parseSubject({ ...DEMO_CLAIMS.dave })!;
    const asMember = readerOf({
      ...dave,
      memberships: [
        { org: "acme", role: "member" },
        { org: "globex", role: "admin" },
      ],
    });
    expect([...asMember.adminOrgs]).toEqual(["globex"]);
    expect(asMember).toMatchObject({ tenant: "acme", operator: false });
    expect(readerOf(access.parseSubject({ ...DEMO_CLAIMS.alice })!).operator).toBe(false);
    const operator = access.parseSubject({ ...DEMO_CLAIMS.alice, role: "operator" })!;
    expect(readerOf(operator).operator).toBe(true);
  });

  it("the admin page reads through the same rule (lib/decision-log-scope-node.ts)", async () => {
    const { decisionsFor } = await import("@/lib/decision-log-scope-node");
    const { access } = await import("@/lib/access");
    const alice = access.parseSubject({ ...DEMO_CLAIMS.alice })!;
    const withOrgs = { ...alice, memberships: [{ org: "acme", role: "admin" as const }] };
    const viaApi = await seen("alice");
    await new Promise((r) => setTimeout(r, 100));
    await demo.log.drain();
    const fromPage = await decisionsFor(withOrgs, 1000);
    // The same events; anything newer is alice's own reading of the log (acme's too).
    for (const id of viaApi) expect(fromPage.map((d) => d.requestId)).toContain(id);
    for (const d of fromPage.filter((e) => !viaApi.has(e.requestId)))
      expect(`${d.subject} ${d.path}`).toBe("user-alice /api/admin/decisions");
  });
});
