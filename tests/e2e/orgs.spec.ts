/**
 * Organizations in Chromium against `next start` (README, "Organizations"): the `/orgs/[org]` page with its
 * switcher, two tabs of one session in two orgs side by side, the org admin's member management
 * through guarded server actions taking effect on the other user's next request, the concealing
 * 404, the console's org cards, and the active org from the path only (`?org=`, `?nxtPorg=`).
 * Tests run in order and share the server's state.
 */
import {
  CARDS,
  ConsolePage,
  expect,
  json,
  saveScreenshot,
  signInOverHttp,
  testWithServer,
} from "./fixtures";
import type { Page } from "@playwright/test";

const test = testWithServer();
test.describe.configure({ mode: "serial" });

const docIds = async (page: Page) =>
  (await page.getByTestId("org-documents").locator("tbody code").allTextContents()).sort();

test("anonymous: /orgs/acme redirects to sign-in with callbackUrl", async ({ page, baseURL }) => {
  await page.goto("/orgs/acme");
  await expect(page).toHaveURL(`${baseURL}/signin?callbackUrl=%2Forgs%2Facme`);
});

test("Dave in two tabs of one session: acme (member) and globex (admin) side by side", async ({
  page,
}, testInfo) => {
  await new ConsolePage(page).signInAs("Dave");
  const acme = page;
  const globex = await page.context().newPage(); // same context: the same session cookie

  const [a, g] = await Promise.all([acme.goto("/orgs/acme"), globex.goto("/orgs/globex")]);
  expect([a?.status(), g?.status()]).toEqual([200, 200]);
  // Interleaved reloads: each tab keeps its own org, whatever the other did last.
  for (let i = 0; i < 3; i++) {
    await Promise.all([acme.reload(), globex.reload()]);
    expect(await docIds(acme)).toEqual(["doc-acme-1", "doc-acme-2", "doc-acme-3"]);
    expect(await docIds(globex)).toEqual(["doc-globex-1", "doc-globex-2", "doc-globex-3"]);
    await expect(acme.getByTestId("org-role")).toContainText("member of acme");
    await expect(globex.getByTestId("org-role")).toContainText("admin of globex");
  }
  // Member management shows only where dave is an admin.
  await expect(acme.getByTestId("org-members")).toHaveCount(0);
  await expect(globex.getByTestId("org-members")).toBeVisible();

  // The switcher lists his orgs and marks the current one; following it changes the tab's org.
  const switcher = acme.getByRole("navigation", { name: "Your organizations" });
  await expect(switcher.getByRole("link")).toHaveText([/acme/, /globex/]);
  await expect(switcher.getByRole("link", { name: /acme/ })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await saveScreenshot(globex, testInfo, "org-globex-dave");
  await switcher.getByRole("link", { name: /globex/ }).click();
  await expect(acme).toHaveURL(/\/orgs\/globex$/);
  await expect(acme.getByTestId("org-role")).toContainText("admin of globex");
  await globex.close();
});

test("a non-member gets the 404 page, exactly like an org that does not exist", async ({
  page,
}) => {
  await new ConsolePage(page).signInAs("Bob");
  const member = await page.goto("/orgs/globex");
  expect(member?.status()).toBe(404);
  await expect(
    page.getByRole("heading", { level: 1, name: "There is nothing here" }),
  ).toBeVisible();
  const unknown = await page.goto("/orgs/initech");
  expect(unknown?.status()).toBe(404);
  // ?org= never changes the active org of a page either.
  const trick = await page.goto("/orgs/globex?org=acme&nxtPorg=acme");
  expect(trick?.status()).toBe(404);
  const own = await page.goto("/orgs/acme?org=globex&nxtPorg=globex");
  expect(own?.status()).toBe(200);
  expect(await docIds(page)).toEqual(["doc-acme-1", "doc-acme-2", "doc-acme-3"]);
});

test("Dave (globex admin) removes Carol on the page: her next request is refused", async ({
  browser,
  page,
}, testInfo) => {
  // Carol, in her own browser context, can see globex.
  const carolContext = await browser.newContext();
  const carol = await carolContext.newPage();
  await new ConsolePage(carol).signInAs("Carol");
  expect((await carol.goto("/orgs/globex"))?.status()).toBe(200);

  await new ConsolePage(page).signInAs("Dave");
  await page.goto("/orgs/globex");
  const members = page.getByTestId("org-members");
  await expect(members.getByRole("row")).toHaveCount(3); // header, carol, dave
  await members.getByRole("button", { name: "Remove carol@example.com" }).click();
  await expect(members.getByRole("cell", { name: "carol@example.com", exact: true })).toHaveCount(
    0,
  );
  await saveScreenshot(page, testInfo, "org-globex-carol-removed");

  expect((await carol.goto("/orgs/globex"))?.status()).toBe(404);
  const api = await carol.request.get("/api/orgs/globex/documents");
  expect(api.status()).toBe(404);

  // Added back as an admin: the next request sees the new role.
  await page.getByLabel("User", { exact: true }).selectOption({ label: "carol@example.com" });
  await page.getByLabel("Org role", { exact: true }).selectOption("admin");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.locator("#outcome-add")).toContainText("user-carol is now admin of globex");
  await expect(members.getByRole("cell", { name: "carol@example.com", exact: true })).toBeVisible();
  await carol.goto("/orgs/globex");
  await expect(carol.getByTestId("org-role")).toContainText("admin of globex");
  await expect(carol.getByTestId("org-members")).toBeVisible();

  // Demoted through the row's role select.
  await members.getByLabel("Org role of carol@example.com").selectOption("member");
  await members.getByRole("button", { name: "Save role of carol@example.com" }).click();
  await expect(page.locator("#outcome-user-carol")).toContainText("now member");
  await carol.reload();
  await expect(carol.getByTestId("org-role")).toContainText("member of globex");
  await expect(carol.getByTestId("org-members")).toHaveCount(0);
  await carolContext.close();
});

test("the console's org cards, as Dave", async ({ page }, testInfo) => {
  const ui = new ConsolePage(page);
  await ui.signInAs("Dave");
  const acmeDocs = await ui.call(CARDS.orgDocuments, { org: "acme" });
  expect(acmeDocs.status).toBe("200 OK");
  expect(json(acmeDocs).org).toBe("acme");
  const unknown = await ui.call(CARDS.orgDocuments, { org: "initech" });
  expect(unknown.status).toBe("404 Not Found");
  expect(unknown.rule).toContain("an org you are not in");

  const foreign = await ui.call(CARDS.orgDocument, { org: "acme", param: "doc-globex-1" });
  expect(foreign.status).toBe("404 Not Found");
  const own = await ui.call(CARDS.orgDocument, { org: "globex", param: "doc-globex-1" });
  expect(own.status).toBe("200 OK");

  const notOwner = await ui.call(CARDS.deleteOrgDocument, { org: "acme", param: "doc-acme-2" });
  expect(notOwner.status).toBe("403 Forbidden");
  expect(json(notOwner).code).toBe("org_role_required");
  expect(notOwner.rule).toBe("Org rule: admin role in this organization required.");

  const membersAcme = await ui.call(CARDS.orgMembers, { org: "acme" });
  expect(membersAcme.status).toBe("403 Forbidden");
  const membersGlobex = await ui.call(CARDS.orgMembers, { org: "globex" });
  expect(membersGlobex.status).toBe("200 OK");

  const put = await ui.call(CARDS.putOrgMember, {
    org: "globex",
    param: "user-bob",
    role: "member",
  });
  expect(put.status).toBe("200 OK");
  expect(json(put)).toEqual({
    member: { userId: "user-bob", email: "bob@example.com", role: "member" },
  });
  // Dave is globex's only admin: he cannot demote himself (the org would have none).
  const demoteSelf = await ui.call(CARDS.putOrgMember, {
    org: "globex",
    param: "user-dave",
    role: "member",
  });
  expect(demoteSelf.status).toBe("409 Conflict");
  expect(json(demoteSelf)).toMatchObject({ code: "last_org_admin", org: "globex" });
  const nobody = await ui.call(CARDS.putOrgMember, { org: "globex", param: "user-nobody" });
  expect(nobody.status).toBe("404 Not Found");
  const removed = await ui.call(CARDS.deleteOrgMember, { org: "globex", param: "user-bob" });
  expect(removed.status).toBe("204 No Content");
  const again = await ui.call(CARDS.deleteOrgMember, { org: "globex", param: "user-bob" });
  expect(again.status).toBe("404 Not Found");
  await saveScreenshot(page, testInfo, "console-orgs-dave");
});

test("200 interleaved requests of one session across two orgs over HTTP: 0 carry the other org's data", async ({
  baseURL,
}) => {
  const cookie = await signInOverHttp(baseURL!, "dave@example.com", "demo");
  expect(cookie).not.toBeNull();
  // Every query form that might name an org, including Next's internal nxtP prefix.
  const tricks = [
    "",
    "?org=OTHER",
    "?nxtPorg=OTHER",
    "?nxtP%5Borg%5D=OTHER",
    "?org=OTHER&org=OTHER",
  ];
  const orgs = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? "acme" : "globex"));
  const answers = await Promise.all(
    orgs.map(async (org, i) => {
      const other = org === "acme" ? "globex" : "acme";
      const query = tricks[i % tricks.length]!.replaceAll("OTHER", other);
      const response = await fetch(`${baseURL}/api/orgs/${org}/documents${query}`, {
        headers: { cookie: `${cookie}; org=${other}`, "x-org": other },
      });
      return { org, status: response.status, body: (await response.json()) as unknown };
    }),
  );
  const leaks = answers.filter(({ org, status, body }) => {
    const b = body as { org?: string; documents?: { tenantId: string }[] };
    return status !== 200 || b.org !== org || b.documents!.some((d) => d.tenantId !== org);
  });
  expect(leaks).toEqual([]);
});

test("escaped org segments: the page and the API answer alike for every form of the segment", async ({
  baseURL,
}) => {
  const cookie = await signInOverHttp(baseURL!, "dave@example.com", "demo");
  expect(cookie).not.toBeNull();
  const statuses: string[] = [];
  for (const segment of [
    "acme",
    "%61cme",
    "%61%63%6D%65",
    "glob%65x",
    "ACME",
    "acme%20",
    "a%2Fb",
  ]) {
    const page = await fetch(`${baseURL}/orgs/${segment}`, { headers: { cookie: cookie! } });
    const api = await fetch(`${baseURL}/api/orgs/${segment}/documents`, {
      headers: { cookie: cookie! },
    });
    expect(page.status, segment).toBe(api.status);
    statuses.push(`${segment} ${api.status}`);
  }
  // Not vacuous: escaped member orgs are allowed, other ids are the 404.
  expect(statuses).toEqual([
    "acme 200",
    "%61cme 200",
    "%61%63%6D%65 200",
    "glob%65x 200",
    "ACME 404",
    "acme%20 404",
    "a%2Fb 404",
  ]);
});
