/**
 * Guarded server actions in Chromium against `next start`: the admin deletes a user from /admin, a
 * member deletes their own document from /dashboard and gets the kit's refusal back in the form for
 * someone else's, and the public sign-in actions answer a raw `Next-Action` POST whose arguments
 * are `[]` with a typed 400 refusal, never a 500.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ConsolePage, expect, signInOverHttp, testWithServer } from "./fixtures";

const test = testWithServer();

/** The build's action id for an export of a `"use server"` module. */
function actionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(
    readFileSync(
      path.resolve(__dirname, "../../.next/server/server-reference-manifest.json"),
      "utf8",
    ),
  ) as { node: Record<string, { filename?: string; exportedName?: string }> };
  const found = Object.entries(manifest.node).find(
    ([, entry]) => entry.filename === file && entry.exportedName === exportedName,
  );
  if (!found) throw new Error(`no action ${file}#${exportedName} in the build's manifest`);
  return found[0];
}

test("the admin deletes a user from /admin with the guarded action", async ({ page, baseURL }) => {
  await new ConsolePage(page).signInAs("Alice");
  await page.goto("/admin");
  // Dave, not Bob: a deleted account's session is refused from then on, and Bob signs in below.
  const row = page.getByRole("row", { name: /dave@example\.com/ });
  await expect(row).toBeVisible();
  // Dave is globex's only admin: deleting him would leave globex with nobody to manage it.
  await row.getByRole("button", { name: "Delete Dave" }).click();
  await expect(row.getByRole("alert")).toHaveText(
    /^An organization must keep at least one admin \(409\)/,
  );
  await expect(row).toBeVisible();
  // Once Dave names Carol a globex admin, his account may go.
  const dave = await signInOverHttp(baseURL!, "dave@example.com", "demo");
  const promoted = await fetch(`${baseURL}/api/orgs/globex/members/user-carol`, {
    method: "PUT",
    headers: { cookie: dave!, "content-type": "application/json" },
    body: JSON.stringify({ role: "admin" }),
  });
  expect(promoted.status).toBe(200);
  await row.getByRole("button", { name: "Delete Dave" }).click();
  await expect(page.getByRole("row", { name: /dave@example\.com/ })).toHaveCount(0);
  await expect(page.getByRole("row", { name: /alice@example\.com/ })).toBeVisible();
});

test("a member deletes their own document; someone else's answers the kit's 403 in the form", async ({
  page,
}) => {
  await new ConsolePage(page).signInAs("Bob");
  await page.goto("/dashboard");
  const own = page.getByRole("row", { name: /Acme roadmap/ });
  await own.getByRole("button", { name: "Delete Acme roadmap" }).click();
  await expect(page.getByRole("row", { name: /Acme roadmap/ })).toHaveCount(0);

  const others = page.getByRole("row", { name: /Acme board minutes/ });
  await others.getByRole("button", { name: "Delete Acme board minutes" }).click();
  // The id the decision log recorded the refusal under, for Bob to quote (the unit test of
  // action.ts shows it is the event's).
  await expect(others.getByRole("alert")).toHaveText(
    /^Requires resource owner \(403\) · request id [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
  await expect(page.getByRole("row", { name: /Acme board minutes/ })).toBeVisible();
});

test("sign-in actions posted with [] as arguments: a typed 400 refusal, never a 500", async ({
  request,
}) => {
  for (const name of ["signInWithPassword", "signInAsDemoUser"]) {
    const response = await request.post("/signin", {
      headers: {
        "Next-Action": actionId("app/_actions/session.ts", name),
        "Content-Type": "text/plain;charset=UTF-8",
        Accept: "text/x-component",
      },
      data: "[]",
    });
    expect(response.status(), name).toBe(200);
    const body = await response.text();
    // The action's return value is one line of the RSC payload: `<row>:<json>`.
    const refusal = body
      .split("\n")
      .map((line) => line.slice(line.indexOf(":") + 1))
      .find((json) => json.includes('"code":"invalid_request"'));
    expect(refusal, body).toBeDefined();
    expect(JSON.parse(refusal!)).toMatchObject({
      ok: false,
      status: 400,
      code: "invalid_request",
      message: "Invalid action input",
    });
  }
});
