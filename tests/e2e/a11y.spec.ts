/**
 * Accessibility of the demo: axe-core (WCAG rules, contrast included) finds no serious or critical
 * violation on the console, before and after answers are shown, in light and dark schemes, nor on
 * the other pages; and the console works from the keyboard with a visible focus.
 */
import {
  CARDS,
  ConsolePage,
  describeViolations,
  expect,
  seriousA11yViolations,
  testWithServer,
} from "./fixtures";

const test = testWithServer();

for (const colorScheme of ["light", "dark"] as const) {
  test(`console (${colorScheme}): no serious or critical axe violations, signed out and with answers shown`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme });
    const ui = new ConsolePage(page);
    await ui.goto();
    let violations = await seriousA11yViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // Signed in, with every kind of answer on screen: 200, 204, 403, 404, and a body with a link.
    // Bob as the light user, Alice as the dark one: one export call each, far from the limit.
    await ui.signInAs(colorScheme === "light" ? "Bob" : "Alice");
    await ui.call(CARDS.me);
    await ui.call(CARDS.users);
    await ui.call(CARDS.deleteUser, { param: "user-nobody" });
    await ui.call(CARDS.getDocument, { param: "doc-globex-1" });
    await ui.call(CARDS.deleteDocument, { param: "doc-unknown" });
    await ui.call(CARDS.export);
    await ui.call(CARDS.ops);
    violations = await seriousA11yViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });
}

test("sign-in, dashboard, admin, 403, 404 and pricing pages: no serious or critical axe violations", async ({
  page,
}) => {
  for (const path of ["/signin?callbackUrl=%2Fdashboard", "/pricing", "/no-such-page"]) {
    await page.goto(path);
    const violations = await seriousA11yViolations(page);
    expect(violations, `${path}\n${describeViolations(violations)}`).toEqual([]);
  }
  // A failed sign-in shows an alert: check that state too.
  await page.goto("/signin");
  await page.getByRole("textbox", { name: "Email" }).fill("bob@example.com");
  await page.getByLabel("Password", { exact: true }).fill("wrong");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "Wrong email or password" }),
  ).toBeVisible();
  let violations = await seriousA11yViolations(page);
  expect(violations, `failed sign-in\n${describeViolations(violations)}`).toEqual([]);

  await new ConsolePage(page).signInAs("Bob");
  for (const [path, heading] of [
    ["/dashboard", "Dashboard"],
    ["/admin", "You don’t have access to this page"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    violations = await seriousA11yViolations(page);
    expect(violations, `${path}\n${describeViolations(violations)}`).toEqual([]);
  }
});

test("keyboard: skip link first, every card reachable and usable with Enter, focus always visible", async ({
  page,
}) => {
  const ui = new ConsolePage(page);
  await ui.goto();

  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  // Tab forward until the first card's button has focus; every stop on the way shows an outline.
  const target = ui.card(CARDS.me).getByRole("button", { name: /^Send request/ });
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), tag: el.tagName };
    });
    expect(outline, `focus stop ${i}`).not.toBeNull();
    expect(outline?.style, `focus stop ${i} (${outline?.tag})`).not.toBe("none");
    expect(outline?.width ?? 0, `focus stop ${i} (${outline?.tag})`).toBeGreaterThanOrEqual(2);
    reached = await target.evaluate((el) => el === document.activeElement);
  }
  expect(reached).toBe(true);

  const me = await ui.call(CARDS.me, { keyboard: true });
  expect(me.status).toBe("401 Unauthorized");
  // The answer is in a live region, and focus stayed on the button for the next call.
  await expect(ui.card(CARDS.me).getByRole("status")).toContainText("401 Unauthorized");
  await expect(target).toBeFocused();

  // A select and a text field are operable without a mouse too.
  const documentCard = ui.card(CARDS.getDocument);
  await documentCard.getByLabel("Document").focus();
  await page.keyboard.press("ArrowDown");
  await expect(documentCard.getByLabel("Document")).toHaveValue("doc-acme-2");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(documentCard.getByTestId("meta")).toContainText("/api/documents/doc-acme-2");
});
