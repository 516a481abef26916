/**
 * Fresh sign-in in Chromium against `next start` (DESIGN §1.8): the admin delete needs a sign-in
 * within 10 minutes. Alice's session here was signed in an hour ago (a real Auth.js cookie whose
 * auth_time is old): the delete form asks her to confirm it's her, her password signs her in
 * again through Auth.js, and the delete is retried and goes through. A wrong password does not.
 */
import { sessionCookie } from "../../lib/authz/testing";
import { E2E_AUTH_SECRET } from "../support/next-server";
import { DEMO_CLAIMS } from "../support/demo-sessions";
import { expect, testWithServer } from "./fixtures";

const test = testWithServer();

test("a stale sign-in: confirm it's you, then the delete is retried and goes through", async ({
  page,
  baseURL,
}) => {
  const stale = await sessionCookie(
    { ...DEMO_CLAIMS.alice, auth_time: Math.floor(Date.now() / 1000) - 3600 },
    { secret: E2E_AUTH_SECRET },
  );
  const [name, value] = stale.split(/=(.*)/s) as [string, string];
  await page.context().addCookies([{ name, value, url: baseURL! }]);
  await page.goto("/admin");
  // Bob, a member: Dave is globex's only admin, and an org keeps its admin (409 last_org_admin).
  const row = page.getByRole("row", { name: /bob@example\.com/ });
  await row.getByRole("button", { name: "Delete Bob" }).click();

  const confirm = page.getByRole("form", { name: "Confirm it's you" });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole("alert").first()).toContainText("within the last 10 minutes");

  await confirm.getByLabel("Password").fill("not-the-password");
  await confirm.getByRole("button", { name: "Confirm and delete" }).click();
  await expect(confirm.getByRole("alert").last()).toHaveText("Wrong email or password");
  await expect(page.getByRole("row", { name: /bob@example\.com/ })).toBeVisible();

  await confirm.getByLabel("Password").fill("demo");
  await confirm.getByRole("button", { name: "Confirm and delete" }).click();
  await expect(page.getByRole("row", { name: /bob@example\.com/ })).toHaveCount(0);
  await expect(page.getByRole("row", { name: /alice@example\.com/ })).toBeVisible();
});
