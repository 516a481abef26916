/**
 * The console at `/`, in Chromium against `next build` + `next start`: every card, as every user,
 * with what the card shows checked against the README's endpoint table and refusal contract.
 *
 * One server for the file, no proxy trust configured: the client address is unknown, so the ops
 * endpoint refuses everyone here (pages.spec.ts runs a server that trusts one proxy hop).
 * Tests run in order and share the server's state: Bob and Carol look at documents before Alice
 * deletes one. The export limit is 5 calls a minute per user; only Carol goes past it.
 */
import { roomInWindow, windowStart } from "../support/rate-window";
import { CARDS, ConsolePage, expect, json, saveScreenshot, testWithServer } from "./fixtures";

const test = testWithServer();

test.describe.configure({ mode: "serial" });

const NO_STORE = "no-store";

test("anonymous: every endpoint refuses, with 401 and a challenge where a session is missing", async ({
  page,
}, testInfo) => {
  const ui = new ConsolePage(page);
  await ui.goto();
  await expect(page.getByTestId("whoami")).toContainText("Not signed in");

  const me = await ui.call(CARDS.me);
  expect(me.status).toBe("401 Unauthorized");
  expect(me.rule).toBe("Session rule: sign-in required (no session cookie).");
  expect(me.headers["www-authenticate"]).toContain('Cookie realm="next-authz-kit demo"');
  expect(me.headers["www-authenticate"]).toContain('form-action="/signin"');
  expect(me.headers["cache-control"]).toBe(NO_STORE);
  expect(me.headers["content-type"]).toContain("application/json");
  expect(json(me)).toEqual({
    error: "Unauthorized",
    message: "Authentication required",
    code: "unauthenticated",
  });

  for (const [title, param] of [
    [CARDS.users, undefined],
    [CARDS.deleteUser, "user-bob"],
    [CARDS.getDocument, "doc-acme-1"],
    [CARDS.deleteDocument, "doc-acme-2"],
    [CARDS.export, undefined],
  ] as const) {
    const result = await ui.call(title, param === undefined ? {} : { param });
    expect(result.status, title).toBe("401 Unauthorized");
    expect(json(result).code, title).toBe("unauthenticated");
    expect(result.headers["www-authenticate"], title).toBeTruthy();
  }

  // The IP rule runs first and does not care who asks: 403, not 401.
  const ops = await ui.call(CARDS.ops);
  expect(ops.status).toBe("403 Forbidden");
  expect(ops.rule).toContain("IP rule");
  expect(json(ops)).toMatchObject({
    error: "Forbidden",
    message: "IP address not allowed",
    code: "ip_not_allowed",
  });
  expect(ops.headers["www-authenticate"]).toBeUndefined();

  await saveScreenshot(page, testInfo, "console-anonymous");
});

test("Bob (member, acme, free): his tenant's documents, role, owner and plan refusals", async ({
  page,
}, testInfo) => {
  const ui = new ConsolePage(page);
  await ui.signInAs("Bob");
  await expect(page.getByTestId("whoami")).toContainText("role: member");
  await expect(page.getByTestId("whoami")).toContainText("tenant: acme");
  await expect(page.getByTestId("whoami")).toContainText("plan: free");

  const me = await ui.call(CARDS.me);
  expect(me.status).toBe("200 OK");
  expect(me.rule).toBe("Allowed by policy “signed-in”.");
  expect(json(me).user).toMatchObject({
    id: "user-bob",
    email: "bob@example.com",
    role: "member",
    tenant: "acme",
    plan: "free",
  });

  const users = await ui.call(CARDS.users);
  expect(users.status).toBe("403 Forbidden");
  expect(users.rule).toBe("Role rule: admin role required.");
  expect(json(users)).toMatchObject({
    error: "Forbidden",
    message: "Requires admin role",
    code: "role_required",
  });
  expect(users.headers["cache-control"]).toBe(NO_STORE);
  expect(users.headers["www-authenticate"]).toBeUndefined();

  const deleteUser = await ui.call(CARDS.deleteUser, { param: "user-carol" });
  expect(deleteUser.status).toBe("403 Forbidden");
  expect(json(deleteUser).code).toBe("role_required");

  const own = await ui.call(CARDS.getDocument, { param: "doc-acme-1" });
  expect(own.status).toBe("200 OK");
  expect(json(own).document).toMatchObject({
    id: "doc-acme-1",
    tenantId: "acme",
    ownerId: "user-bob",
  });

  // Another tenant's document and a missing one: the same 404, byte for byte.
  const foreign = await ui.call(CARDS.getDocument, { param: "doc-globex-1" });
  expect(foreign.status).toBe("404 Not Found");
  expect(foreign.rule).toContain("A missing id and another tenant’s resource look exactly alike");
  const missing = await ui.call(CARDS.getDocument, { param: "doc-unknown" });
  expect(missing.status).toBe("404 Not Found");
  expect(missing.bodyText).toBe(foreign.bodyText);
  // X-Request-Id names each request, so it differs; every other header is the same.
  const { ["x-request-id"]: missingId, ...missingHeaders } = missing.headers;
  const { ["x-request-id"]: foreignId, ...foreignHeaders } = foreign.headers;
  expect(missingId).toMatch(/^[0-9a-f-]{36}$/);
  expect(foreignId).toMatch(/^[0-9a-f-]{36}$/);
  expect(missingHeaders).toEqual(foreignHeaders);
  expect(json(missing)).toEqual({
    error: "Not Found",
    message: "Resource not found",
    code: "not_found",
  });

  const notOwner = await ui.call(CARDS.deleteDocument, { param: "doc-acme-2" });
  expect(notOwner.status).toBe("403 Forbidden");
  expect(notOwner.rule).toBe(
    "Owner rule: only the owner or an admin of the same tenant may do this.",
  );
  expect(json(notOwner)).toMatchObject({
    message: "Requires resource owner",
    code: "owner_required",
  });

  const foreignDelete = await ui.call(CARDS.deleteDocument, { param: "doc-globex-1" });
  expect(foreignDelete.status).toBe("404 Not Found");

  const exportResult = await ui.call(CARDS.export);
  expect(exportResult.status).toBe("403 Forbidden");
  expect(exportResult.rule).toBe("Feature rule: “export” needs the pro plan.");
  expect(json(exportResult)).toMatchObject({
    error: "Forbidden",
    message: "Requires pro plan",
    code: "plan_required",
    required_plan: "pro",
    upgrade_url: "/pricing",
  });
  await expect(exportResult.card.getByRole("link", { name: /See the plans/ })).toHaveAttribute(
    "href",
    "/pricing",
  );

  const ops = await ui.call(CARDS.ops);
  expect(ops.status).toBe("403 Forbidden");
  expect(json(ops).code).toBe("ip_not_allowed");

  await saveScreenshot(page, testInfo, "console-bob");

  // RFC 9457 on request: same status and code, problem details shape.
  await page.getByRole("checkbox", { name: /application\/problem\+json/ }).check();
  const problem = await ui.call(CARDS.users);
  expect(problem.status).toBe("403 Forbidden");
  expect(problem.headers["content-type"]).toBe("application/problem+json");
  expect(problem.rule).toBe("Role rule: admin role required.");
  expect(json(problem)).toMatchObject({
    title: "Forbidden",
    status: 403,
    detail: "Requires admin role",
    code: "role_required",
  });
});

test("Carol (member, globex, pro): tenant isolation both ways, and the export rate limit", async ({
  page,
}, testInfo) => {
  const ui = new ConsolePage(page);
  await ui.signInAs("Carol");

  const me = await ui.call(CARDS.me);
  expect(json(me).user).toMatchObject({
    id: "user-carol",
    role: "member",
    tenant: "globex",
    plan: "pro",
  });

  const users = await ui.call(CARDS.users);
  expect(users.status).toBe("403 Forbidden");

  const own = await ui.call(CARDS.getDocument, { param: "doc-globex-1" });
  expect(own.status).toBe("200 OK");
  expect(json(own).document).toMatchObject({ id: "doc-globex-1", tenantId: "globex" });

  const acme = await ui.call(CARDS.getDocument, { param: "doc-acme-1" });
  expect(acme.status).toBe("404 Not Found");
  const acmeDelete = await ui.call(CARDS.deleteDocument, { param: "doc-acme-1" });
  expect(acmeDelete.status).toBe("404 Not Found");
  expect(acmeDelete.bodyText).toBe(acme.bodyText);

  // Five exports a minute, then 429 with Retry-After and the IETF RateLimit fields. The six calls
  // start with at least 20 s left in the minute (waiting for the next one if needed), so the
  // window cannot turn between them; the last assertion proves it did not.
  testInfo.setTimeout(testInfo.timeout + 20_000);
  const minute = await roomInWindow(60_000, 20_000);
  for (let i = 1; i <= 5; i++) {
    const ok = await ui.call(CARDS.export);
    expect(ok.status, `export #${i}`).toBe("200 OK");
    expect(ok.rule).toBe("Allowed by policy “export-reports”.");
    expect(json(ok).report).toMatchObject({ tenant: "globex", format: "csv" });
  }
  const limited = await ui.call(CARDS.export);
  expect(limited.status).toBe("429 Too Many Requests");
  expect(limited.rule).toMatch(/^Rate-limit rule: 5 calls per window used up; retry in \d+ s\.$/);
  expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
  expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
  expect(limited.headers["ratelimit"]).toBeTruthy();
  expect(limited.headers["ratelimit-policy"]).toBeTruthy();
  expect(limited.headers["cache-control"]).toBe(NO_STORE);
  expect(json(limited)).toMatchObject({
    error: "Too Many Requests",
    code: "rate_limited",
    limit: 5,
  });
  expect(windowStart(60_000), "the six calls ran inside one window").toBe(minute);

  await saveScreenshot(page, testInfo, "console-carol");
});

test("Alice (admin, acme, pro): admin endpoints, admin override on delete, still no other tenant", async ({
  page,
}, testInfo) => {
  const ui = new ConsolePage(page);
  await ui.signInAs("Alice");
  await expect(page.getByTestId("whoami")).toContainText("role: admin");

  const me = await ui.call(CARDS.me);
  expect(json(me).user).toMatchObject({
    id: "user-alice",
    role: "admin",
    tenant: "acme",
    plan: "pro",
  });

  const users = await ui.call(CARDS.users);
  expect(users.status).toBe("200 OK");
  expect(users.rule).toBe("Allowed by policy “admin”.");
  const list: unknown = json(users).users;
  expect(Array.isArray(list)).toBe(true);
  const emails = (list as { email?: string }[]).map((u) => u.email).sort();
  // Her own tenant's users only: carol (globex) is not hers to see.
  expect(emails).toEqual(["alice@example.com", "bob@example.com", "dave@example.com"]);

  const unknownUser = await ui.call(CARDS.deleteUser, { param: "user-nobody" });
  expect(unknownUser.status).toBe("404 Not Found");
  expect(json(unknownUser).code).toBe("not_found");

  // Bob owns doc-acme-1; Alice is an admin of acme, so she may delete it. Then it is gone.
  const deleted = await ui.call(CARDS.deleteDocument, { param: "doc-acme-1" });
  expect(deleted.status).toBe("204 No Content");
  expect(deleted.rule).toBe("Allowed by policy “delete-document”: done, nothing to return.");
  expect(deleted.bodyText).toBe("(empty body)");
  const gone = await ui.call(CARDS.getDocument, { param: "doc-acme-1" });
  expect(gone.status).toBe("404 Not Found");

  // Admin of acme only: globex stays hidden.
  const foreign = await ui.call(CARDS.deleteDocument, { param: "doc-globex-1" });
  expect(foreign.status).toBe("404 Not Found");

  const exported = await ui.call(CARDS.export);
  expect(exported.status).toBe("200 OK");
  expect(json(exported).report).toMatchObject({ tenant: "acme" });

  const ops = await ui.call(CARDS.ops);
  expect(ops.status).toBe("403 Forbidden");
  expect(json(ops).code).toBe("ip_not_allowed");

  const deleteBob = await ui.call(CARDS.deleteUser, { param: "user-bob" });
  expect(deleteBob.status).toBe("204 No Content");

  await saveScreenshot(page, testInfo, "console-alice");

  await ui.signOut();
  const after = await ui.call(CARDS.me);
  expect(after.status).toBe("401 Unauthorized");
});
