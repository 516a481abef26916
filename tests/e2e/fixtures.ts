/**
 * Shared pieces of the demo's end-to-end specs: one `next start` per spec file (fresh in-memory
 * documents and rate-limit counters), a page object for the console, screenshots and axe.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { test as base, expect, type Locator, type Page, type TestInfo } from "@playwright/test";
import type { AxeResults, Result as AxeViolation } from "axe-core";
import { signInWithCredentials } from "../../lib/authz/testing";
import { startNextServer, type NextServer, type NextServerOptions } from "../support/next-server";

export { expect };

export type DemoUserName = "Alice" | "Bob" | "Carol" | "Dave";

/** The sign-in library of this run: `E2E_AUTH_PROVIDER=better-auth` runs the specs on Better Auth. */
export const E2E_PROVIDER =
  process.env.E2E_AUTH_PROVIDER === "better-auth" ? "better-auth" : "authjs";

/** Whether a cookie is the session cookie of this run's provider (`__Secure-` or not, chunked or not). */
export const isSessionCookieName = (name: string): boolean =>
  E2E_PROVIDER === "better-auth"
    ? /(^|\.)session_token$/.test(name)
    : /(^|\.)session-token$/.test(name);

/**
 * Signs in over HTTP through the provider's own endpoints (Auth.js: CSRF then the credentials
 * callback; Better Auth: `POST /api/auth/sign-in/email`) and returns the `Cookie` header, or null.
 */
export async function signInOverHttp(
  baseURL: string,
  email: string,
  password: string,
): Promise<string | null> {
  if (E2E_PROVIDER !== "better-auth") return signInWithCredentials(baseURL, email, password);
  const response = await fetch(`${baseURL}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseURL },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) return null;
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

export const DEMO_EMAILS: Readonly<Record<DemoUserName, string>> = {
  Alice: "alice@example.com",
  Bob: "bob@example.com",
  Carol: "carol@example.com",
  Dave: "dave@example.com",
};

/**
 * A `test` whose `baseURL` is a server started once for this spec file. Call it at the top of the
 * file: the hooks it registers belong to that file (a worker fixture would outlive it).
 *
 * @param env extra server environment (for example `TRUSTED_PROXY_HOPS`)
 * @param options which build to start, and how (see {@link NextServerOptions})
 */
export function testWithServer(
  env: Record<string, string> = {},
  options: Omit<NextServerOptions, "env"> = {},
) {
  // Started by whichever comes first, beforeAll or a fixture: Playwright may set up auto fixtures
  // that read baseURL before the file's beforeAll hook has run.
  let starting: Promise<NextServer> | undefined;
  const ensureServer = () => (starting ??= startNextServer({ ...options, env }));

  const test = base.extend<{ server: NextServer }>({
    server: async ({}, provide, testInfo) => {
      testInfo.setTimeout(testInfo.timeout + 90_000);
      await provide(await ensureServer());
    },
    baseURL: async ({ server }, provide) => {
      await provide(server.url);
    },
    // An uncaught error in the browser (a hydration failure, a crashed handler) fails the test,
    // even when the page still happens to show what the test looks for.
    page: async ({ page }, provide) => {
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await provide(page);
      expect(errors, "uncaught errors in the page").toEqual([]);
    },
  });
  test.beforeAll(async ({}, testInfo) => {
    // `next start` may take a while to answer on a busy two-core machine.
    testInfo.setTimeout(90_000);
    await ensureServer();
  });
  test.afterEach(async ({ server }, testInfo) => {
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach("next-start.log", { body: server.output(), contentType: "text/plain" });
    }
  });
  test.afterAll(async () => {
    if (starting) await (await starting).stop();
  });
  return test;
}

const SCREENSHOT_DIR = path.resolve(__dirname, "../../test-results/screenshots");

/** Saves a full-page screenshot to test-results/screenshots/<name>.png and attaches it to the report. */
export async function saveScreenshot(
  page: Page,
  testInfo: TestInfo,
  name: string,
): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
  return file;
}

/** What a console card shows after a call. */
export interface CardResult {
  readonly status: string;
  readonly rule: string;
  /** The body as shown (pretty JSON or "(empty body)"). */
  readonly bodyText: string;
  /** Shown headers, by lower-case name. */
  readonly headers: Readonly<Record<string, string>>;
  readonly card: Locator;
}

/** Parses a card's JSON body. */
export function json(result: CardResult): Record<string, unknown> {
  const value: unknown = JSON.parse(result.bodyText);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`not a JSON object: ${result.bodyText}`);
  return value as Record<string, unknown>;
}

/** The console page (`/`), driven the way a person would: buttons, selects, text fields. */
export class ConsolePage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/");
    await expect(
      this.page.getByRole("heading", { level: 1, name: "Authorization console" }),
    ).toBeVisible();
  }

  /** Signs in with the user's one-click button (a real Auth.js credentials sign-in). */
  async signInAs(name: DemoUserName): Promise<void> {
    await this.goto();
    await this.page.getByRole("button", { name: new RegExp(`^Sign in as ${name}\\b`) }).click();
    await expect(this.page.getByTestId("whoami")).toContainText(`Signed in as ${name}`);
    await expect(this.page.getByTestId("whoami")).toContainText(DEMO_EMAILS[name]);
  }

  async signOut(): Promise<void> {
    await this.page.getByRole("button", { name: "Sign out" }).click();
    await expect(this.page.getByTestId("whoami")).toContainText("Not signed in");
  }

  /** A card by its title, for example `GET /api/me`. */
  card(title: string): Locator {
    return this.page.getByRole("article", { name: title, exact: true });
  }

  /**
   * Calls one card's endpoint and waits for its new answer (the call counter moves on, so two equal
   * answers in a row are told apart).
   */
  async call(
    title: string,
    options: { param?: string; org?: string; role?: string; keyboard?: boolean } = {},
  ): Promise<CardResult> {
    const card = this.card(title);
    await expect(card).toBeVisible();
    const meta = card.getByTestId("meta");
    const previous =
      (await meta.count()) > 0
        ? Number(/#(\d+)/.exec((await meta.textContent()) ?? "")?.[1] ?? 0)
        : 0;

    if (options.org !== undefined) await card.locator("select[data-org]").selectOption(options.org);
    if (options.role !== undefined)
      await card.locator("select[data-role]").selectOption(options.role);
    if (options.param !== undefined) {
      const select = card.locator("select[data-param]");
      if ((await select.count()) > 0) await select.selectOption(options.param);
      else await card.getByRole("textbox").fill(options.param);
    }
    const button = card.getByRole("button", { name: /^Send request/ });
    if (options.keyboard) {
      await button.focus();
      await this.page.keyboard.press("Enter");
    } else {
      await button.click();
    }
    await expect(meta).toContainText(`Call #${previous + 1}:`);

    const headers: Record<string, string> = {};
    const dds = card.locator("dd[data-header]");
    for (let i = 0; i < (await dds.count()); i++) {
      const dd = dds.nth(i);
      headers[(await dd.getAttribute("data-header")) ?? ""] = (await dd.textContent()) ?? "";
    }
    return {
      status: ((await card.getByTestId("status").textContent()) ?? "").trim(),
      rule: ((await card.getByTestId("rule").textContent()) ?? "").trim(),
      bodyText: (await card.getByTestId("body").textContent()) ?? "",
      headers,
      card,
    };
  }
}

export const CARDS = {
  me: "GET /api/me",
  users: "GET /api/admin/users",
  deleteUser: "DELETE /api/admin/users/[id]",
  getDocument: "GET /api/documents/[id]",
  deleteDocument: "DELETE /api/documents/[id]",
  export: "POST /api/reports/export",
  ops: "GET /api/ops/metrics",
  orgDocuments: "GET /api/orgs/[org]/documents",
  orgDocument: "GET /api/orgs/[org]/documents/[id]",
  deleteOrgDocument: "DELETE /api/orgs/[org]/documents/[id]",
  orgMembers: "GET /api/orgs/[org]/members",
  putOrgMember: "PUT /api/orgs/[org]/members/[userId]",
  deleteOrgMember: "DELETE /api/orgs/[org]/members/[userId]",
} as const;

/** Runs axe-core in the page and returns the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const results = await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run: (context: Document) => Promise<AxeResults> };
    };
    return axe.run(document);
  });
  // An axe that checked nothing would pass everything.
  if (results.passes.length === 0) throw new Error("axe-core ran no checks");
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** A readable summary of violations for an assertion message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(" ")}: ${n.failureSummary ?? ""}`).join("\n")}`,
    )
    .join("\n");
}
