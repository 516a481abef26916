// Shared steps of `npm test` and `npm run test:e2e`: system prerequisites, the production build the
// end-to-end suites run against, and a runner that keeps each suite's counts for the summary.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isCI as readCI } from "./ci.mjs";

export const root = path.resolve(import.meta.dirname, "..");
export const isCI = readCI();
// Tests sign their own sessions with this secret; it is never used outside tests.
export const TEST_AUTH_SECRET = "test-secret-for-next-authz-kit-only-0123456789";

const SYSTEM_PACKAGES = [
  {
    name: "chromium",
    bins: [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"],
    why: "browser tests",
  },
  {
    name: "openssl",
    bins: [process.env.OPENSSL_BIN, "/usr/bin/openssl"],
    why: "the HTTPS end-to-end test's certificate",
  },
  {
    name: "redis-server",
    bins: [process.env.REDIS_SERVER_BIN, "/usr/bin/redis-server", "/usr/local/bin/redis-server"],
    why: "Redis store tests",
  },
  {
    name: "postgresql",
    // Debian puts each major version's server under /usr/lib/postgresql/<version>/bin.
    bins: [
      process.env.POSTGRES_BIN_DIR && path.join(process.env.POSTGRES_BIN_DIR, "initdb"),
      ...(existsSync("/usr/lib/postgresql")
        ? readdirSync("/usr/lib/postgresql").map((v) => `/usr/lib/postgresql/${v}/bin/initdb`)
        : []),
    ],
    why: "the list and database tests on a real Postgres",
  },
];

const found = (pkg) => pkg.bins.find((b) => b && existsSync(b));

/**
 * Makes sure Chromium, redis-server, PostgreSQL and openssl are there, installing them with apt-get when we can (root
 * on Debian/Ubuntu). Returns the names still missing; under CI a missing one is an error.
 */
export function ensureSystemPackages() {
  let missing = SYSTEM_PACKAGES.filter((p) => !found(p));
  if (missing.length === 0) return [];
  const canApt = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (canApt) {
    console.log(`\n> apt-get install -y ${missing.map((p) => p.name).join(" ")}`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    spawnSync(
      "apt-get",
      ["install", "-y", "-qq", "--no-install-recommends", ...missing.map((p) => p.name)],
      { stdio: "inherit", env },
    );
    missing = SYSTEM_PACKAGES.filter((p) => !found(p));
  }
  if (missing.length > 0) {
    const names = missing.map((p) => p.name).join(" ");
    const sentence = `Missing ${names} (for ${missing.map((p) => p.why).join(" and ")}): install with \`sudo apt-get install -y ${names}\`.`;
    if (isCI) {
      console.error(`\n${sentence} CI=true, so nothing is skipped: failing.`);
      process.exit(1);
    }
    console.warn(`\n*** ${sentence} Those suites are SKIPPED in this run. ***\n`);
  }
  return missing.map((p) => p.name);
}

/**
 * The copy-into-a-project test builds against Next 15.5 too. It has its own install so that the
 * repo's `next` bin stays Next 16; this installs it from its lockfile when it is missing.
 */
export function ensureNext15Fixture() {
  const fixture = path.join(root, "tests/fixtures/next15");
  // Every package the fixture lists, so a fixture installed before one was added is brought up to date.
  const { dependencies } = JSON.parse(readFileSync(path.join(fixture, "package.json"), "utf8"));
  const installed = Object.keys(dependencies).every((pkg) =>
    existsSync(path.join(fixture, "node_modules", pkg, "package.json")),
  );
  if (installed) return true;
  return step("install the Next 15.5 fixture (tests/fixtures/next15)", "npm", [
    "ci",
    "--prefix",
    fixture,
    "--no-audit",
    "--no-fund",
  ]);
}

const counts = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const skippedSuites = [];

/**
 * Records a whole suite that did not run, so the closing line counts it. Under CI a skipped suite is
 * a failure: nothing passes by not running.
 */
export function skipSuite(title, why) {
  console.warn(`\n*** ${title} SKIPPED: ${why}. ***`);
  skippedSuites.push(`${title} (${why})`);
  if (isCI) failures.push(`${title} skipped under CI`);
}

/** Runs one step; a failing step is recorded, and the run goes on so every suite reports. */
export function step(title, command, args, options = {}) {
  console.log(`\n=== ${title}\n> ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    stdio: "inherit",
    env: { ...process.env, ...options.env },
  });
  const ok = result.status === 0;
  if (!ok) failures.push(title);
  return ok;
}

/** Adds a suite's counts from a vitest or Playwright JSON report. */
export function addCounts(file, kind) {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, "utf8"));
  if (kind === "vitest") {
    counts.passed += report.numPassedTests ?? 0;
    counts.failed += report.numFailedTests ?? 0;
    counts.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  } else {
    counts.passed += (report.stats?.expected ?? 0) + (report.stats?.flaky ?? 0);
    counts.failed += report.stats?.unexpected ?? 0;
    counts.skipped += report.stats?.skipped ?? 0;
  }
  rmSync(file, { force: true });
}

export function productionBuild() {
  return step(
    "next build (the end-to-end suites run against it)",
    process.execPath,
    [path.join(root, "node_modules/next/dist/bin/next"), "build"],
    {
      env: { AUTH_SECRET: TEST_AUTH_SECRET, NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
}

/**
 * Where the demo is built a second time, without middleware.ts (tests/e2e/no-middleware.spec.ts).
 * Outside the repo: inside it, Next's workspace root is the repo and its build picks up the repo's
 * own middleware.ts even when the copy has none.
 */
export const NO_MIDDLEWARE_DIR = path.join(
  tmpdir(),
  `next-authz-kit-no-middleware-${createHash("sha256").update(root).digest("hex").slice(0, 8)}`,
);
// Not needed to build the app, or the very thing this build leaves out.
const NOT_COPIED = new Set([
  ".git",
  ".next",
  ".tmp",
  "node_modules",
  "tests",
  "bench",
  "bench-results",
  "docs",
  "test-results",
  "playwright-report",
  "coverage",
  "middleware.ts",
  "proxy.ts",
  "next.config.ts",
]);

/**
 * Builds a copy of the demo without middleware.ts, once per e2e run, so a spec can show the pages,
 * handlers and server actions refusing on their own. The repo's own build and files stay untouched;
 * node_modules is a link to the repo's, which Turbopack follows once its root covers both.
 */
export function buildWithoutMiddleware() {
  rmSync(NO_MIDDLEWARE_DIR, { recursive: true, force: true });
  for (const entry of readdirSync(root)) {
    if (NOT_COPIED.has(entry)) continue;
    cpSync(path.join(root, entry), path.join(NO_MIDDLEWARE_DIR, entry), { recursive: true });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(NO_MIDDLEWARE_DIR, "node_modules"), "dir");
  // Test-only routes the spec calls (sessionFromAuth over the demo's real auth()).
  cpSync(path.join(root, "tests/fixtures/no-middleware-app"), NO_MIDDLEWARE_DIR, {
    recursive: true,
  });
  // The demo's config, plus the root that reaches the linked node_modules.
  cpSync(path.join(root, "next.config.ts"), path.join(NO_MIDDLEWARE_DIR, "next.config.demo.ts"));
  writeFileSync(
    path.join(NO_MIDDLEWARE_DIR, "next.config.ts"),
    `import type { NextConfig } from "next";
import demo from "./next.config.demo";

type ConfigFunction = (phase: string, context: unknown) => NextConfig | Promise<NextConfig>;

export default async function config(phase: string, context: unknown): Promise<NextConfig> {
  const base = typeof demo === "function" ? await (demo as ConfigFunction)(phase, context) : demo;
  return {
    ...base,
    turbopack: { ...base.turbopack, root: "/" },
    outputFileTracingRoot: "/",
    // The repo's own build has type-checked this very code.
    typescript: { ...base.typescript, ignoreBuildErrors: true },
  };
}
`,
  );
  return step(
    "next build of a copy without middleware.ts (the guards on their own)",
    process.execPath,
    [path.join(root, "node_modules/next/dist/bin/next"), "build"],
    {
      cwd: NO_MIDDLEWARE_DIR,
      env: { AUTH_SECRET: TEST_AUTH_SECRET, NEXT_TELEMETRY_DISABLED: "1" },
    },
  );
}

export function playwright(extraArgs = [], options = {}) {
  const { env = {}, label = "", report = "playwright-report.json" } = options;
  const out = path.join(root, ".tmp", report);
  step(
    `end-to-end tests (Playwright, system Chromium, next start)${label}`,
    process.execPath,
    [
      path.join(root, "node_modules/@playwright/test/cli.js"),
      "test",
      "--reporter=list,json",
      ...extraArgs,
    ],
    {
      env: {
        PLAYWRIGHT_JSON_OUTPUT_NAME: out,
        E2E_AUTH_SECRET: TEST_AUTH_SECRET,
        E2E_NO_MIDDLEWARE_DIR: NO_MIDDLEWARE_DIR,
        NEXT_TELEMETRY_DISABLED: "1",
        ...env,
      },
    },
  );
  addCounts(out, "playwright");
}

/**
 * The Chromium specs that run a second time with the demo on Better Auth (DESIGN §1.8): the same
 * pages, console, org, action and accessibility checks, signed in through Better Auth.
 */
export const BETTER_AUTH_SPECS = [
  "tests/e2e/pages.spec.ts",
  "tests/e2e/console.spec.ts",
  "tests/e2e/orgs.spec.ts",
  "tests/e2e/actions.spec.ts",
  "tests/e2e/a11y.spec.ts",
];

/** The Better Auth run of {@link BETTER_AUTH_SPECS} (AUTH_PROVIDER=better-auth on next start). */
export function playwrightOnBetterAuth() {
  playwright(BETTER_AUTH_SPECS, {
    env: { E2E_AUTH_PROVIDER: "better-auth" },
    label: " on Better Auth",
    report: "playwright-report-better-auth.json",
  });
}

/** Prints the closing line and exits non-zero when any step failed. */
export function finish() {
  if (failures.length > 0) console.error(`\nFailed steps: ${failures.join("; ")}`);
  const suites =
    skippedSuites.length > 0
      ? `, ${skippedSuites.length} suite${skippedSuites.length > 1 ? "s" : ""} skipped: ${skippedSuites.join("; ")}`
      : "";
  console.log(
    `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${suites}`,
  );
  process.exit(failures.length > 0 || counts.failed > 0 ? 1 : 0);
}
