import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";
import { isCI } from "./scripts/ci.mjs";

// Playwright cannot download its browser here: use the system Chromium when there is one.
const executablePath =
  process.env.CHROMIUM_PATH ??
  ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.ts",
  // Each spec file starts its own `next start` (fresh in-memory state); two cores: one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: isCI(),
  retries: 0,
  timeout: 60_000,
  outputDir: "test-results",
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      // Background networking would try hosts this machine cannot reach.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
