/**
 * The demo's pages on Better Auth (AUTH_PROVIDER=better-auth) in Chromium, against `next start`:
 * the sign-in form signs in through Better Auth (its cookies set by the server action), a wrong
 * password stays on the form, the pages answer by role as under Auth.js, and the sign-out button
 * ends the session.
 */
import { DEMO_EMAILS, expect, testWithServer } from "./fixtures";

const test = testWithServer({ AUTH_PROVIDER: "better-auth" }, { readyPath: "/api/auth/ok" });

test("sign in with the form, see the dashboard and the admin page by role, sign out", async ({
  page,
  baseURL,
}) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(`${baseURL}/signin?callbackUrl=%2Fdashboard`);

  await page.getByRole("textbox", { name: "Email" }).fill(DEMO_EMAILS.Alice);
  await page.getByLabel("Password", { exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "Wrong email or password" }),
  ).toBeVisible();
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain(
    "better-auth.session_token",
  );

  await page.getByRole("textbox", { name: "Email" }).fill(DEMO_EMAILS.Bob);
  await page.getByLabel("Password", { exact: true }).fill("demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  const names = (await page.context().cookies()).map((c) => c.name);
  expect(names).toEqual(
    expect.arrayContaining(["better-auth.session_token", "better-auth.session_data"]),
  );

  // Bob is a member: the admin page is the 403 page, from the middleware's reading of the cache.
  const admin = await page.goto("/admin");
  expect(admin?.status()).toBe(403);
  const orgs = await page.goto("/orgs/acme");
  expect(orgs?.status()).toBe(200);
  const other = await page.goto("/orgs/globex");
  expect(other?.status()).toBe(404);

  await page.goto("/orgs/acme");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${baseURL}/`);
  const after = await page.goto("/dashboard");
  expect(after?.url()).toBe(`${baseURL}/signin?callbackUrl=%2Fdashboard`);
});
