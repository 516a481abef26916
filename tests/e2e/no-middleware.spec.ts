/**
 * The guards without middleware.ts: a copy of the demo built with no middleware at all (npm test's
 * e2e phase builds it, see buildWithoutMiddleware in scripts/test-lib.mjs), so every refusal seen
 * here comes from the page's `authorize()`, the handler's `withAuthorization` or the server
 * action's `authorizeAction`, never from an early answer. Middleware is an optimisation; these are
 * the authority.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { signInWithCredentials } from "../../lib/authz/testing";
import { tamperSessionCookie } from "../support/demo-sessions";
import { DEMO_EMAILS, expect, testWithServer } from "./fixtures";

const dir = process.env.E2E_NO_MIDDLEWARE_DIR ?? "";
if (!dir)
  throw new Error("E2E_NO_MIDDLEWARE_DIR is not set: run this spec with `npm run test:e2e`");
const test = testWithServer({}, { dir });

const cookies: Partial<Record<"bob" | "alice", string>> = {};
async function signedIn(base: string, who: "bob" | "alice"): Promise<string> {
  cookies[who] ??= (await signInWithCredentials(base, `${who}@example.com`, "demo")) ?? undefined;
  if (!cookies[who]) throw new Error(`${who} could not sign in`);
  return cookies[who];
}

const get = (url: string, cookie?: string) =>
  fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });

test("the build has no middleware: no middleware.ts, an empty middleware manifest", () => {
  expect(existsSync(path.join(dir, "middleware.ts"))).toBe(false);
  expect(existsSync(path.join(dir, "proxy.ts"))).toBe(false);
  const manifest = JSON.parse(
    readFileSync(path.join(dir, ".next/server/middleware-manifest.json"), "utf8"),
  ) as { middleware: Record<string, unknown> };
  expect(manifest.middleware).toEqual({});
});

for (const page of ["/dashboard", "/admin"]) {
  test(`anonymous ${page}: the page itself redirects to sign-in with its callbackUrl`, async ({
    server,
  }) => {
    const response = await get(`${server.url}${page}`);
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(
      `/signin?callbackUrl=${encodeURIComponent(page)}`,
    );
    expect(response.headers.get("x-authz-layer")).toBeNull();
  });
}

test("bob on /admin: the page's own forbidden(), status 403 and the 403 page in Chromium", async ({
  page,
  server,
}) => {
  const response = await get(`${server.url}/admin`, await signedIn(server.url, "bob"));
  expect(response.status).toBe(403);
  expect(response.headers.get("x-authz-layer")).toBeNull();
  expect(await response.text()).not.toContain(DEMO_EMAILS.Alice); // no user list leaked

  await page.goto("/signin?callbackUrl=%2Fadmin");
  await page.getByRole("textbox", { name: "Email" }).fill(DEMO_EMAILS.Bob);
  await page.getByLabel("Password", { exact: true }).fill("demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(
    page.getByRole("heading", { level: 1, name: "You don’t have access to this page" }),
  ).toBeVisible();
  await expect(page.getByText(DEMO_EMAILS.Alice)).toHaveCount(0);
});

test("bob on /dashboard and alice on /admin: allowed by the pages themselves", async ({
  server,
}) => {
  const dashboard = await get(`${server.url}/dashboard`, await signedIn(server.url, "bob"));
  expect(dashboard.status).toBe(200);
  expect(await dashboard.text()).toContain("Hello <!-- -->Bob");

  const admin = await get(`${server.url}/admin`, await signedIn(server.url, "alice"));
  expect(admin.status).toBe(200);
  expect(await admin.text()).toContain(DEMO_EMAILS.Bob); // her tenant's user list
});

for (const [route, member] of [
  ["/api/admin/users", 403],
  ["/api/ops/metrics", 403],
] as const) {
  test(`${route}, the area middleware guards: the handler alone refuses anonymous and bob`, async ({
    server,
  }) => {
    const anonymous = await get(`${server.url}${route}`);
    const bob = await get(`${server.url}${route}`, await signedIn(server.url, "bob"));
    expect([anonymous.status, bob.status]).toEqual([
      route === "/api/ops/metrics" ? 403 : 401,
      member,
    ]);
    for (const response of [anonymous, bob]) {
      expect(response.headers.get("x-authz-layer")).toBeNull();
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
  });
}

test("sessionFromAuth over the demo's real auth(), inside a real request: no session, a session, a forged one", async ({
  server,
}) => {
  const probe = `${server.url}/api/probe/session-from-auth`;
  const anonymous = await get(probe);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toMatchObject({ code: "unauthenticated" });

  const bobCookie = await signedIn(server.url, "bob");
  const bob = await get(probe, bobCookie);
  expect(bob.status).toBe(200);
  expect((await bob.json()).subject).toMatchObject({
    id: "user-bob",
    email: "bob@example.com",
    roles: ["member"],
    tenant: "acme",
    plan: "free",
  });

  const forged = await get(probe, tamperSessionCookie(bobCookie));
  expect(forged.status).toBe(401);
});

test("sessionFromAuth feeds the role rule: bob 403, alice 200", async ({ server }) => {
  const probe = `${server.url}/api/probe/session-from-auth`;
  const del = async (who: "bob" | "alice") =>
    fetch(probe, { method: "DELETE", headers: { cookie: await signedIn(server.url, who) } });
  const bob = await del("bob");
  expect(bob.status).toBe(403);
  expect(await bob.json()).toMatchObject({ code: "role_required", message: "Requires admin role" });
  const alice = await del("alice");
  expect(alice.status).toBe(200);
  expect(await alice.json()).toEqual({ admin: "user-alice" });
});

/** The build's action id for an export of a `"use server"` module of the copy. */
function actionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(
    readFileSync(path.join(dir, ".next/server/server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { filename?: string; exportedName?: string }> };
  // Filenames are relative to Turbopack's root, which is `/` for the copy (see test-lib.mjs).
  const found = Object.entries(manifest.node).find(
    ([, entry]) =>
      (entry.filename === file || entry.filename?.endsWith(`/${file}`)) &&
      entry.exportedName === exportedName,
  );
  if (!found) throw new Error(`no action ${file}#${exportedName} in the build's manifest`);
  return found[0];
}

/** Calls a server action as any HTTP client can (a raw `Next-Action` POST); returns its result. */
async function callAction(
  base: string,
  file: string,
  name: string,
  args: unknown[],
  cookie?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}/signin`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Next-Action": actionId(file, name),
      "Content-Type": "text/plain;charset=UTF-8",
      Accept: "text/x-component",
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify(args),
  });
  const body = await response.text();
  expect(response.status, body).toBe(200);
  // The action's return value is one line of the RSC payload: `<row>:<json>` with an `ok` field.
  const result = body
    .split("\n")
    .map((line) => line.slice(line.indexOf(":") + 1))
    .find((json) => /^\{"ok":/.test(json));
  expect(result, body).toBeDefined();
  return JSON.parse(result!) as Record<string, unknown>;
}

// Every guarded server action of the demo (app/_actions): who may not, and what they get.
const GUARDED_ACTIONS = [
  {
    file: "app/_actions/admin.ts",
    name: "deleteUserAction",
    args: [{ id: "user-bob" }],
    bob: { status: 403, code: "role_required" },
  },
  {
    file: "app/_actions/documents.ts",
    name: "deleteDocumentAction",
    args: [{ id: "doc-acme-2" }], // alice's document: bob shares the tenant, not the ownership
    bob: { status: 403, code: "owner_required" },
  },
] as const;

for (const action of GUARDED_ACTIONS) {
  test(`server action ${action.name}: refused anonymous, then signed in without permission`, async ({
    server,
  }) => {
    const anonymous = await callAction(server.url, action.file, action.name, [...action.args]);
    expect(anonymous).toMatchObject({ ok: false, status: 401, code: "unauthenticated" });
    const bob = await callAction(
      server.url,
      action.file,
      action.name,
      [...action.args],
      await signedIn(server.url, "bob"),
    );
    expect(bob).toMatchObject({ ok: false, ...action.bob });
  });
}

test("the refused actions changed nothing: bob and doc-acme-2 are still there for alice", async ({
  server,
}) => {
  const alice = await signedIn(server.url, "alice");
  const users = await get(`${server.url}/api/admin/users`, alice);
  expect(users.status).toBe(200);
  const emails = ((await users.json()) as { users: { email: string }[] }).users.map((u) => u.email);
  expect(emails).toContain("bob@example.com");
  expect((await get(`${server.url}/api/documents/doc-acme-2`, alice)).status).toBe(200);
});
