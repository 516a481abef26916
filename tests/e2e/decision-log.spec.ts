/**
 * The decision log against `next start` (needs `npm run build`): one event per decision of each
 * layer, read back through GET /api/admin/decisions; one request id per request, shared by the
 * middleware's event and the handler's and returned as X-Request-Id; a client cannot choose it;
 * and the canary: the whole demo contract replayed with recognisable secrets (cookie, password,
 * query string, body, client address) leaves none of them in any event or console line.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { sessionCookie, signInWithCredentials } from "../../lib/authz/testing";
import { DEMO_CLAIMS } from "../support/demo-sessions";
import { E2E_AUTH_SECRET } from "../support/next-server";
import { CARDS, ConsolePage, expect, testWithServer } from "./fixtures";

// One proxy in front: the client address is known, so the log has one to truncate.
// Tracing on: instrumentation.ts prints the spans that carry authz.* attributes.
const test = testWithServer({
  AUTHZ_LOG_CONSOLE: "1",
  AUTHZ_OTEL_CONSOLE: "1",
  TRUSTED_PROXY_HOPS: "1",
});
test.describe.configure({ mode: "serial" });

// `operator`: the explicit grant to read every tenant's events (lib/access.ts); no demo user has
// it, so the test signs a session with it (alice's account, role operator).
type Who = "anonymous" | "alice" | "bob" | "carol" | "operator";
const cookies: Partial<Record<Who, string>> = {};
const CLIENT_IP = "198.51.100.77";

interface Event {
  readonly requestId: string;
  readonly layer: string;
  readonly policy: string;
  readonly outcome: string;
  readonly status: number;
  readonly code?: string;
  readonly rule?: string;
  readonly subject: string | null;
  readonly method: string;
  readonly path: string;
  readonly ip?: string;
  readonly shadow?: { readonly policy: string; readonly outcome: string };
  readonly action?: { readonly id: string; readonly name?: string };
  readonly truncated?: Readonly<Record<string, number>>;
}

test.beforeAll(async ({ server }) => {
  for (const who of ["alice", "bob", "carol"] as const) {
    const cookie = await signInWithCredentials(server.url, `${who}@example.com`, "demo");
    expect(cookie, `sign-in as ${who}`).toBeTruthy();
    cookies[who] = cookie!;
  }
  cookies.operator = await sessionCookie(
    { ...DEMO_CLAIMS.alice, role: "operator" },
    { secret: E2E_AUTH_SECRET },
  );
});

function call(
  base: string,
  path: string,
  who: Who,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const headers: Record<string, string> = { "x-forwarded-for": CLIENT_IP, ...init.headers };
  if (who !== "anonymous") headers.cookie = cookies[who]!;
  return fetch(`${base}${path}`, { redirect: "manual", ...init, headers });
}

/** Every event the log holds, as the operator reads them (an admin sees only their tenant's). */
async function allEvents(base: string, who: Who = "operator"): Promise<Event[]> {
  const res = await call(base, "/api/admin/decisions?limit=1000", who);
  expect(res.status).toBe(200);
  return ((await res.json()) as { decisions: Event[] }).decisions;
}

/** The events of one request id, once `count` of them have arrived (the middleware's are batched). */
async function eventsOf(base: string, id: string, count: number): Promise<Event[]> {
  let found: Event[] = [];
  for (let i = 0; i < 100; i++) {
    found = (await allEvents(base)).filter((e) => e.requestId === id);
    if (found.length >= count) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // A little longer: a duplicate would show up now.
  await new Promise((r) => setTimeout(r, 200));
  return (await allEvents(base)).filter((e) => e.requestId === id);
}

test("a request the middleware refuses: one event, its id on the response", async ({ baseURL }) => {
  const res = await call(baseURL!, "/api/admin/users", "bob");
  expect(res.status).toBe(403);
  expect(res.headers.get("x-authz-layer")).toBe("middleware");
  const id = res.headers.get("x-request-id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const events = await eventsOf(baseURL!, id!, 1);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    layer: "middleware",
    policy: "admin",
    outcome: "deny",
    status: 403,
    code: "role_required",
    rule: "role",
    subject: "user-bob",
    method: "GET",
    path: "/api/admin/users",
    ip: "198.51.100.0/24",
  });
});

test("a request the middleware passes and the handler decides: two events, one id", async ({
  baseURL,
}) => {
  const res = await call(baseURL!, "/api/admin/users", "alice");
  expect(res.status).toBe(200);
  // The request headers the middleware hands on stay internal: none reaches the client.
  expect([...res.headers.keys()].filter((h) => h.startsWith("x-middleware"))).toEqual([]);
  expect(res.headers.get("set-cookie")).toBeNull();
  const id = res.headers.get("x-request-id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  const events = await eventsOf(baseURL!, id!, 2);
  expect(events.map((e) => `${e.layer}:${e.outcome}`).sort()).toEqual([
    "middleware:allow",
    "route:allow",
  ]);
  for (const e of events) expect(e).toMatchObject({ subject: "user-alice", status: 200 });
});

test("a handler-only route: one event; a page behind the middleware: middleware and page", async ({
  baseURL,
}) => {
  const me = await call(baseURL!, "/api/me", "anonymous");
  expect(me.status).toBe(401);
  const meEvents = await eventsOf(baseURL!, me.headers.get("x-request-id")!, 1);
  expect(meEvents).toHaveLength(1);
  expect(meEvents[0]).toMatchObject({ layer: "route", code: "unauthenticated", subject: null });

  const page = await call(baseURL!, "/dashboard", "carol");
  expect(page.status).toBe(200);
  const pageEvents = await eventsOf(baseURL!, page.headers.get("x-request-id")!, 2);
  expect(pageEvents.map((e) => `${e.layer}:${e.outcome}:${e.path}`).sort()).toEqual([
    "middleware:allow:/dashboard",
    "page:allow:/dashboard",
  ]);
});

test("instrumentation.ts: the decision's authz.* attributes are on Next's request span", async ({
  baseURL,
  server,
}) => {
  const res = await call(baseURL!, "/api/me", "carol");
  expect(res.status).toBe(200);
  const id = res.headers.get("x-request-id")!;
  let span: { name: string; attributes: Record<string, unknown> } | undefined;
  for (let i = 0; i < 50 && !span; i++) {
    span = server
      .output()
      .split("\n")
      .filter((l) => l.startsWith('{"otel":"span"'))
      .map((l) => JSON.parse(l) as { name: string; attributes: Record<string, unknown> })
      .find((s) => s.attributes["authz.request_id"] === id);
    if (!span) await new Promise((r) => setTimeout(r, 100));
  }
  expect(span?.attributes).toMatchObject({
    "authz.layer": "route",
    "authz.policy": "me",
    "authz.outcome": "allow",
    "authz.status": 200,
    "authz.subject": "user-carol",
  });
});

test("X-Request-Id is kept from the trusted proxy; a forged forwarded id never", async ({
  baseURL,
}) => {
  // This server trusts one proxy hop, so the proxy's X-Request-Id names the request (and its
  // events); without trust the kit replaces it (tests/unit/decision-log.test.ts).
  const kept = await call(baseURL!, "/api/me", "alice", {
    headers: { "x-request-id": "proxy-assigned-42" },
  });
  expect(kept.headers.get("x-request-id")).toBe("proxy-assigned-42");
  const [event] = await eventsOf(baseURL!, "proxy-assigned-42", 1);
  expect(event).toMatchObject({ layer: "route", subject: "user-alice" });
  // The middleware-to-handler header, forged by a client, is never taken: not behind the
  // middleware (which replaces it) nor where only the handler runs (the tag does not verify).
  for (const path of ["/api/me", "/api/admin/users"]) {
    const res = await call(baseURL!, path, "alice", {
      headers: { "x-authz-request-id": "chosen-by-client.AAAAAAAAAAAAAAAAAAAAAA" },
    });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  }
});

test("GET /api/admin/decisions: anonymous 401, member 403, a bad limit 400, newest first", async ({
  baseURL,
}) => {
  expect((await call(baseURL!, "/api/admin/decisions", "anonymous")).status).toBe(401);
  expect((await call(baseURL!, "/api/admin/decisions", "bob")).status).toBe(403);
  expect((await call(baseURL!, "/api/admin/decisions?limit=0", "alice")).status).toBe(400);
  expect((await call(baseURL!, "/api/admin/decisions?limit=abc", "alice")).status).toBe(400);
  const res = await call(baseURL!, "/api/admin/decisions?limit=3", "alice");
  expect(res.headers.get("cache-control")).toBe("no-store");
  const { decisions } = (await res.json()) as { decisions: { time: string }[] };
  expect(decisions).toHaveLength(3);
  const times = decisions.map((d) => d.time);
  expect([...times].sort().reverse()).toEqual(times);
});

test("canary: the demo contract replayed with secrets leaves none in any event", async ({
  baseURL,
  server,
}) => {
  const CANARY = "CANARY7f3a9";
  const secrets = {
    cookie: `${CANARY}-cookie-value`,
    password: `${CANARY}-password`,
    query: `${CANARY}-query-token`,
    body: `${CANARY}-body-field`,
    header: `${CANARY}-bearer`,
  };
  // A wrong password through Auth.js's own sign-in: it never yields a session.
  expect(await signInWithCredentials(baseURL!, "alice@example.com", secrets.password)).toBeFalsy();

  const paths = [
    ["GET", "/api/me"],
    ["GET", "/api/admin/users"],
    ["DELETE", "/api/admin/users/user-unknown"],
    ["GET", "/api/documents/doc-acme-1"],
    ["GET", "/api/documents/doc-globex-1"],
    ["DELETE", "/api/documents/doc-acme-2"],
    ["POST", "/api/reports/export"],
    ["GET", "/api/ops/metrics"],
    ["GET", "/dashboard"],
    ["GET", "/admin"],
    ["GET", "/api/admin/decisions"],
  ] as const;
  for (const who of ["anonymous", "alice", "bob", "carol"] as const) {
    for (const [method, path] of paths) {
      const res = await call(
        baseURL!,
        `${path}?token=${secrets.query}&password=${secrets.password}`,
        who,
        {
          method,
          headers: {
            cookie: `${who === "anonymous" ? "" : `${cookies[who]}; `}tracking=${secrets.cookie}`,
            authorization: `Bearer ${secrets.header}`,
            "content-type": "application/json",
          },
          ...(method === "GET"
            ? {}
            : { body: JSON.stringify({ note: secrets.body, password: secrets.password }) }),
        },
      );
      await res.arrayBuffer();
    }
  }
  // Let the middleware's batches arrive, then read every event there is.
  await new Promise((r) => setTimeout(r, 500));
  const events = JSON.stringify(await allEvents(baseURL!));
  const consoleLines = server
    .output()
    .split("\n")
    .filter((l) => l.includes('"authz":"decision"'))
    .join("\n");
  expect(events.length).toBeGreaterThan(1000);
  expect(consoleLines.length).toBeGreaterThan(1000);
  const sessionValues = Object.values(cookies).map((c) => c!.split("=").slice(1).join("="));
  for (const needle of [CANARY, CLIENT_IP, ...sessionValues]) {
    expect(events.includes(needle), `events contain ${needle.slice(0, 20)}`).toBe(false);
    expect(consoleLines.includes(needle), `console contains ${needle.slice(0, 20)}`).toBe(false);
  }
  expect(events).toContain("198.51.100.0/24");
});

test("shadow: exactly the free plan's export calls disagree with the candidate", async ({
  baseURL,
}) => {
  const ids: Record<string, string> = {};
  for (const who of ["anonymous", "alice", "bob", "carol"] as const) {
    const res = await call(baseURL!, "/api/reports/export", who, { method: "POST" });
    await res.arrayBuffer();
    ids[who] = res.headers.get("x-request-id")!;
  }
  for (const who of ["anonymous", "alice", "bob", "carol"] as const) {
    const [event] = await eventsOf(baseURL!, ids[who]!, 1);
    if (who === "bob") {
      expect(event).toMatchObject({
        outcome: "deny",
        code: "plan_required",
        shadow: { policy: "export-reports-all-plans", outcome: "allow" },
      });
    } else {
      expect(event, who).not.toHaveProperty("shadow");
    }
  }
  // Over everything this server has seen (the whole contract, replayed above), the only
  // disagreements are the free plan's export calls, at the route layer.
  const disagreeing = (await allEvents(baseURL!)).filter((e) => e.shadow);
  // Bob called export twice: once in the canary replay, once above.
  expect(disagreeing).toHaveLength(2);
  for (const e of disagreeing) {
    expect(e).toMatchObject({
      layer: "route",
      policy: "export-reports",
      subject: "user-bob",
      path: "/api/reports/export",
      code: "plan_required",
      shadow: { policy: "export-reports-all-plans", outcome: "allow" },
    });
  }
});

test("tenant scope: alice reads acme's events only; the operator reads every tenant's", async ({
  baseURL,
}) => {
  const carols = await call(baseURL!, "/api/admin/users", "carol");
  const bobs = await call(baseURL!, "/api/admin/users", "bob");
  const anonymous = await call(baseURL!, "/api/me", "anonymous");
  const ids = [carols, bobs, anonymous].map((r) => r.headers.get("x-request-id")!);
  for (const id of ids) await eventsOf(baseURL!, id, 1);
  const alices = await allEvents(baseURL!, "alice");
  expect(alices.length).toBeGreaterThan(0);
  expect(alices.filter((e) => e.requestId === ids[1])).not.toHaveLength(0); // bob: acme
  expect(alices.filter((e) => e.requestId === ids[0])).toHaveLength(0); // carol: globex
  expect(alices.filter((e) => e.requestId === ids[2])).toHaveLength(0); // anonymous: operators
  expect(JSON.stringify(alices)).not.toContain("user-carol");
  const everything = await allEvents(baseURL!, "operator");
  for (const id of ids)
    expect(
      everything.some((e) => e.requestId === id),
      id,
    ).toBe(true);
});

test("a refused server action: its build id, POST, no path from the client's Referer", async ({
  baseURL,
}) => {
  // The build's id of app/_actions/documents.ts#deleteDocumentAction (the dashboard's delete form),
  // as `npm run authz:report` reads it.
  const manifest = JSON.parse(
    readFileSync(path.join(process.cwd(), ".next/server/server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { exportedName?: string; filename?: string }> };
  const [actionId] = Object.entries(manifest.node).find(
    ([, info]) =>
      info.exportedName === "deleteDocumentAction" &&
      info.filename?.endsWith("_actions/documents.ts"),
  )!;
  // Carol deletes dave's globex document: refused (owner rule) before the action runs. (Not
  // alice's doc-acme-2: the canary replay above deletes it as alice.)
  const res = await call(baseURL!, "/dashboard", "carol", {
    method: "POST",
    headers: {
      "next-action": actionId,
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
      referer: `${baseURL}/harmless/looking/page`,
      origin: baseURL!,
    },
    body: JSON.stringify([{ id: "doc-globex-3" }]),
  });
  await res.arrayBuffer();
  let event: Event | undefined;
  for (let i = 0; i < 50 && !event; i++) {
    event = (await allEvents(baseURL!)).find(
      (e) => e.layer === "action" && e.subject === "user-carol" && e.action?.id === actionId,
    );
    if (!event) await new Promise((r) => setTimeout(r, 100));
  }
  expect(event).toMatchObject({
    policy: "delete-document",
    outcome: "deny",
    status: 403,
    code: "owner_required",
    method: "POST",
    path: "",
    action: { id: actionId },
  });
  expect(JSON.stringify(event)).not.toContain("harmless");
});

test("the collector answers a forged batch like the kit (JSON, code, challenge) and logs it", async ({
  baseURL,
}) => {
  const forged = await fetch(`${baseURL}/api/authz/collect`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-authz-signature": "AAAAAAAAAAAAAAAAAAAAAA" },
    body: JSON.stringify({ id: crypto.randomUUID(), sentAt: Date.now(), events: [] }),
  });
  expect(forged.status).toBe(401);
  expect(forged.headers.get("cache-control")).toBe("no-store");
  expect(forged.headers.get("www-authenticate")).toBe(
    'AuthzBatch realm="decision-collector", header="x-authz-signature"',
  );
  expect(await forged.json()).toEqual({
    error: "Unauthorized",
    message: "The batch's signature is missing or wrong",
    code: "invalid_signature",
  });
  // Its refusal is in the log, under the id the answer carries.
  const id = forged.headers.get("x-request-id")!;
  const [trace] = await eventsOf(baseURL!, id, 1);
  expect(trace).toMatchObject({ policy: "decision-collector", code: "invalid_signature" });
});

test("a long request path is logged, cut and marked, never dropped", async ({ baseURL }) => {
  const long = `/api/admin/users/${"x".repeat(6000)}`;
  const res = await call(baseURL!, long, "bob", { method: "DELETE" });
  expect(res.status).toBe(403);
  const events = await eventsOf(baseURL!, res.headers.get("x-request-id")!, 1);
  expect(events.length).toBeGreaterThanOrEqual(1);
  for (const e of events) {
    expect(e.path).toBe(long.slice(0, 2048));
    expect(e.truncated).toEqual({ path: long.length - 2048 });
  }
});

test.describe("in Chromium", () => {
  test("the 403 page shows the request id the response carries", async ({ page, baseURL }) => {
    const [name, value] = cookies.bob!.split(/=(.*)/s) as [string, string];
    await page.context().addCookies([{ name, value, url: baseURL! }]);
    const response = await page.goto("/admin");
    expect(response?.status()).toBe(403);
    const id = response?.headers()["x-request-id"];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect(page.getByTestId("request-id")).toHaveText(id!);
    const events = await eventsOf(baseURL!, id!, 1);
    expect(events.map((e) => `${e.layer}:${e.outcome}:${e.status}`)).toContain(
      "middleware:deny:403",
    );
  });

  test("/admin/decisions: a table of the latest decisions, filtered by outcome and user", async ({
    page,
    baseURL,
  }) => {
    const [name, value] = cookies.operator!.split(/=(.*)/s) as [string, string];
    await page.context().addCookies([{ name, value, url: baseURL! }]);
    const refused = await call(baseURL!, "/api/admin/users", "carol");
    const id = refused.headers.get("x-request-id")!;
    await eventsOf(baseURL!, id, 1);

    await page.goto("/admin/decisions");
    await expect(page.getByRole("heading", { level: 1, name: "Decisions" })).toBeVisible();
    await page.getByLabel("Outcome").selectOption("deny");
    await page.getByLabel("User").fill("carol");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/outcome=deny/);
    const rows = page.getByTestId("decisions").locator("tbody tr");
    await expect(rows.first()).toBeVisible();
    const count = await rows.count();
    for (let i = 0; i < count; i++) {
      await expect(rows.nth(i)).toHaveAttribute("data-outcome", "deny");
      await expect(rows.nth(i).locator("td").nth(2)).toHaveText("carol@example.com");
    }
    const row = rows.filter({ hasText: id });
    await expect(row).toHaveCount(1);
    await expect(row.locator("td").nth(1)).toHaveText("middleware");
    await expect(row.locator("td").nth(3)).toHaveText("GET /api/admin/users");
    await expect(row.locator("td").nth(5)).toHaveText("role");
    await expect(row.locator("td").nth(6)).toHaveText("Requires admin role");
  });

  test("/admin/decisions as alice: acme's decisions only, and the page says so", async ({
    page,
    baseURL,
  }) => {
    const refused = await call(baseURL!, "/api/admin/users", "carol");
    await eventsOf(baseURL!, refused.headers.get("x-request-id")!, 1);
    const [name, value] = cookies.alice!.split(/=(.*)/s) as [string, string];
    await page.context().addCookies([{ name, value, url: baseURL! }]);
    await page.goto("/admin/decisions");
    await expect(page.getByTestId("decisions-scope")).toHaveText(
      "Showing the decisions of tenant acme and of the organizations you administer.",
    );
    const rows = page.getByTestId("decisions").locator("tbody tr");
    await expect(rows.first()).toBeVisible();
    await expect(page.getByTestId("decisions")).not.toContainText("carol@example.com");
    await expect(page.getByTestId("decisions")).not.toContainText("user-carol");
  });

  test("the console shows X-Request-Id with each answer, the id of its events", async ({
    page,
    baseURL,
  }) => {
    const ui = new ConsolePage(page);
    await ui.signInAs("Bob");
    const users = await ui.call(CARDS.users);
    expect(users.status).toBe("403 Forbidden");
    const id = users.headers["x-request-id"];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [event] = await eventsOf(baseURL!, id!, 1);
    expect(event).toMatchObject({ subject: "user-bob", outcome: "deny", code: "role_required" });
  });
});
