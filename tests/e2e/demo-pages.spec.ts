/**
 * What a new user of the demo tripped on, in Chromium against `next start` (needs `npm run build`):
 * the header says who is signed in and offers a sign-out on every page (never "Sign in" to a
 * signed-in user); the 403 page says what is missing (the role), unless the policy conceals; and
 * the decisions table shows each request id whole at 1280 px (a screenshot is saved under
 * test-results/screenshots/).
 */
import { signInWithCredentials } from "../../lib/authz/testing";
import { expect, saveScreenshot, testWithServer } from "./fixtures";

const test = testWithServer();
test.describe.configure({ mode: "serial" });

const cookies: Record<string, string> = {};

test.beforeAll(async ({ server }) => {
  for (const who of ["alice", "bob"] as const) {
    const cookie = await signInWithCredentials(server.url, `${who}@example.com`, "demo");
    expect(cookie, `sign-in as ${who}`).toBeTruthy();
    cookies[who] = cookie!;
  }
});

async function signedInAs(
  page: import("@playwright/test").Page,
  who: string,
  baseURL: string,
): Promise<void> {
  const [name, value] = cookies[who]!.split(/=(.*)/s) as [string, string];
  await page.context().addCookies([{ name, value, url: baseURL }]);
}

test("the header: who is signed in and a sign-out on every page; 'Sign in' only when signed out", async ({
  page,
  baseURL,
}) => {
  await page.goto("/pricing");
  const header = page.getByRole("banner");
  await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(header.getByTestId("signed-in-as")).toHaveCount(0);

  await signedInAs(page, "bob", baseURL!);
  for (const path of ["/", "/dashboard", "/pricing", "/signin"]) {
    await page.goto(path);
    await expect(header.getByTestId("signed-in-as"), path).toContainText("Signed in as Bob");
    await expect(header.getByTestId("signed-in-as"), path).toContainText("member");
    await expect(header.getByRole("link", { name: "Sign in" }), path).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Sign out" }), path).toHaveCount(1);
  }

  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.getByTestId("whoami")).toContainText("Not signed in");
});

test("the 403 page says the admin role is what is missing", async ({ page, baseURL }, testInfo) => {
  await signedInAs(page, "bob", baseURL!);
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(
    page.getByRole("heading", { level: 1, name: "You don’t have access to this page" }),
  ).toBeVisible();
  await expect(page.getByTestId("refusal-reason")).toHaveText(
    "You are signed in as Bob, but this page requires admin role.",
  );
  await saveScreenshot(page, testInfo, "forbidden-says-why");
});

test("a forged policy header to the 403 page explains nothing the visitor's session does not", async ({
  page,
  baseURL,
}) => {
  await signedInAs(page, "alice", baseURL!);
  // Alice holds the admin role: naming the admin policy cannot make the page claim she lacks it.
  await page.setExtraHTTPHeaders({ "x-authz-refused-policy": "admin" });
  const response = await page.goto("/403");
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId("refusal-reason")).toHaveCount(0);
  await expect(page.getByText("your account lacks the permission this page needs")).toBeVisible();
});

test("the decisions table shows every request id whole at 1280 px", async ({
  page,
  baseURL,
}, testInfo) => {
  // Decisions with long paths and messages: the columns that squeeze the id out.
  for (const [path, who] of [
    ["/api/orgs/acme/documents/doc-acme-does-not-exist", "alice"],
    ["/api/admin/users", "bob"],
    ["/api/reports/export", "bob"],
    ["/api/documents/doc-globex-1", "bob"],
  ] as const) {
    await fetch(`${baseURL}${path}`, {
      method: path === "/api/reports/export" ? "POST" : "GET",
      headers: { cookie: cookies[who]!, origin: baseURL! },
    });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await signedInAs(page, "alice", baseURL!);
  await page.goto("/admin/decisions");
  const table = page.getByTestId("decisions");
  await expect(table.locator("tbody tr").first()).toBeVisible();

  const layout = await table.evaluate((element) => {
    const wrap = element.parentElement!;
    const ids = [...element.querySelectorAll("tbody tr td:last-child code")].map((code) => {
      const box = code.getBoundingClientRect();
      return {
        text: code.textContent ?? "",
        right: box.right,
        height: box.height,
        lineHeight: parseFloat(getComputedStyle(code).lineHeight) || box.height,
      };
    });
    return {
      scrolls: wrap.scrollWidth > wrap.clientWidth,
      visibleRight: Math.min(wrap.getBoundingClientRect().right, window.innerWidth),
      ids,
    };
  });
  expect(layout.ids.length).toBeGreaterThan(3);
  expect(layout.scrolls, "the table scrolls sideways: the id column is cut off").toBe(false);
  for (const id of layout.ids) {
    expect(id.text).toMatch(/^[0-9a-f-]{36}$/);
    expect(id.right, id.text).toBeLessThanOrEqual(layout.visibleRight);
    expect(id.height, `${id.text} is on one line`).toBeLessThan(id.lineHeight * 1.5);
  }
  await saveScreenshot(page, testInfo, "decisions-1280");
  // What a 1280 x 900 screen shows, beside the whole page.
  const viewport = testInfo.outputPath("decisions-1280-viewport.png");
  await page.screenshot({ path: viewport });
  await testInfo.attach("decisions-1280-viewport", { path: viewport, contentType: "image/png" });
});
