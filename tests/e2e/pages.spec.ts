/**
 * The guarded pages and the sign-in page, in Chromium against `next start`: redirects with a
 * same-origin callbackUrl, the 403 page with status 403, the real sign-in form (and a wrong
 * password), sign-out, and the console on a phone.
 *
 * This server trusts one proxy hop (TRUSTED_PROXY_HOPS=1): `next start` fills X-Forwarded-For from
 * the socket, so the browser on loopback is inside the default ops allow list.
 */
import {
  CARDS,
  ConsolePage,
  DEMO_EMAILS,
  expect,
  json,
  isSessionCookieName,
  saveScreenshot,
  testWithServer,
} from "./fixtures";
import type { Page } from "@playwright/test";
import { demoUsers } from "../../lib/demo/users";

const test = testWithServer({ TRUSTED_PROXY_HOPS: "1" });

async function hasSessionCookie(page: Page): Promise<boolean> {
  const cookies = await page.context().cookies();
  return cookies.some((c) => isSessionCookieName(c.name));
}

test("anonymous visit to /dashboard: redirect to sign-in with callbackUrl, then back after the form", async ({
  page,
  baseURL,
}, testInfo) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(`${baseURL}/signin?callbackUrl=%2Fdashboard`);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expect(page.getByText("Sign in to continue to /dashboard")).toBeVisible();
  await saveScreenshot(page, testInfo, "signin");

  await page.getByRole("textbox", { name: "Email" }).fill(DEMO_EMAILS.Bob);
  await page.getByLabel("Password", { exact: true }).fill("demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`${baseURL}/dashboard`);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(page.getByText("Hello Bob")).toBeVisible();
  expect(await hasSessionCookie(page)).toBe(true);
  await saveScreenshot(page, testInfo, "dashboard-bob");
});

test("anonymous visit to /admin redirects to sign-in with callbackUrl=/admin", async ({
  page,
  baseURL,
}) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(`${baseURL}/signin?callbackUrl=%2Fadmin`);
});

test("a wrong password shows one message and yields no session", async ({ page, baseURL }) => {
  await page.goto("/signin?callbackUrl=%2Fdashboard");
  await page.getByRole("textbox", { name: "Email" }).fill(DEMO_EMAILS.Alice);
  await page.getByLabel("Password", { exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // Next's route announcer is an (empty) alert too: pick ours by its words.
  const wrong = page.getByRole("alert").filter({ hasText: "Wrong email or password" });
  await expect(wrong).toHaveText("Wrong email or password");
  await expect(page).toHaveURL(`${baseURL}/signin?callbackUrl=%2Fdashboard`);
  // What was typed stays; nothing was signed in.
  await expect(page.getByRole("textbox", { name: "Email" })).toHaveValue(DEMO_EMAILS.Alice);
  expect(await hasSessionCookie(page)).toBe(false);

  // An unknown account gets the same words (wait for the action's answer: the alert is already up).
  await page.getByRole("textbox", { name: "Email" }).fill("mallory@example.com");
  await page.getByLabel("Password", { exact: true }).fill("demo");
  await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/signin",
    ),
    page.getByRole("button", { name: "Sign in", exact: true }).click(),
  ]);
  await expect(wrong).toHaveText("Wrong email or password");
  expect(await hasSessionCookie(page)).toBe(false);

  await page.goto("/dashboard");
  await expect(page).toHaveURL(`${baseURL}/signin?callbackUrl=%2Fdashboard`);
});

for (const target of ["https://evil.example/steal", "//evil.example/steal", "/\\evil.example"]) {
  test(`a callbackUrl off this site (${target}) is ignored: sign-in lands on /`, async ({
    page,
    baseURL,
  }) => {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(target)}`);
    await expect(page.getByText("evil.example")).toHaveCount(0);
    await page.getByRole("button", { name: /^Sign in as Carol\b/ }).click();
    await expect(page.getByTestId("whoami")).toContainText("Signed in as Carol");
    expect(new URL(page.url()).origin).toBe(baseURL);
    expect(new URL(page.url()).pathname).toBe("/");
  });
}

test("Bob on /admin gets the 403 page with status 403; /dashboard is his", async ({
  page,
}, testInfo) => {
  await new ConsolePage(page).signInAs("Bob");

  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(
    page.getByRole("heading", { level: 1, name: "You don’t have access to this page" }),
  ).toBeVisible();
  await expect(page.getByText("Users")).toHaveCount(0);
  await saveScreenshot(page, testInfo, "forbidden-bob");

  const dashboard = await page.goto("/dashboard");
  expect(dashboard?.status()).toBe(200);
  await expect(page.getByText("Hello Bob")).toBeVisible();
});

test("Alice on /admin sees her tenant's users and no one else's", async ({ page }, testInfo) => {
  await new ConsolePage(page).signInAs("Alice");
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "Admin" })).toBeVisible();
  const rows = page.getByRole("table").getByRole("row");
  // The admin manages acme only: a header row and one row per acme demo user.
  const acmeUsers = demoUsers.filter((user) => user.tenant === "acme");
  await expect(rows).toHaveCount(1 + acmeUsers.length);
  for (const user of acmeUsers) {
    await expect(page.getByRole("cell", { name: user.email })).toBeVisible();
  }
  await expect(page.getByRole("cell", { name: DEMO_EMAILS.Carol })).toHaveCount(0);
  await saveScreenshot(page, testInfo, "admin-alice");
});

test("ops metrics answer 200 from an allowed address under a trusted proxy hop, signed in or not", async ({
  page,
}) => {
  const ui = new ConsolePage(page);
  await ui.goto();
  const anonymous = await ui.call(CARDS.ops);
  expect(anonymous.status).toBe("200 OK");
  expect(anonymous.rule).toBe("Allowed by policy “ops-metrics”.");
  expect(json(anonymous).metrics).toMatchObject({ runtime: "nodejs" });

  await ui.signInAs("Bob");
  const bob = await ui.call(CARDS.ops);
  expect(bob.status).toBe("200 OK");
});

test("the upgrade link of a plan refusal leads to /pricing", async ({
  page,
  baseURL,
}, testInfo) => {
  const ui = new ConsolePage(page);
  await ui.signInAs("Bob");
  const refused = await ui.call(CARDS.export);
  expect(refused.status).toBe("403 Forbidden");
  await refused.card.getByRole("link", { name: /See the plans/ }).click();
  await expect(page).toHaveURL(`${baseURL}/pricing`);
  await expect(page.getByRole("heading", { level: 1, name: "Pricing" })).toBeVisible();
  await saveScreenshot(page, testInfo, "pricing");
});

test("sign out from the dashboard: back to the console signed out, and /dashboard redirects again", async ({
  page,
  baseURL,
}) => {
  await new ConsolePage(page).signInAs("Carol");
  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByTestId("whoami")).toContainText("Not signed in");
  expect(await hasSessionCookie(page)).toBe(false);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(`${baseURL}/signin?callbackUrl=%2Fdashboard`);
});

test("an unknown page is the 404 page with status 404", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(
    page.getByRole("heading", { level: 1, name: "There is nothing here" }),
  ).toBeVisible();
});

test.describe("on a phone", () => {
  test.use({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });

  test("the console fits the screen and works", async ({ page }, testInfo) => {
    const ui = new ConsolePage(page);
    await ui.signInAs("Bob");
    expect((await ui.call(CARDS.me)).status).toBe("200 OK");
    expect((await ui.call(CARDS.users)).status).toBe("403 Forbidden");
    expect((await ui.call(CARDS.export)).status).toBe("403 Forbidden");
    // Nothing wider than the viewport: no sideways scrolling.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, testInfo, "console-mobile-bob");
  });
});
