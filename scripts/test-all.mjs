#!/usr/bin/env node
// `npm test`: everything, in the order that fails fastest on the cheapest mistakes.
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  addCounts,
  buildWithoutMiddleware,
  ensureNext15Fixture,
  ensureSystemPackages,
  finish,
  playwright,
  playwrightOnBetterAuth,
  productionBuild,
  root,
  skipSuite,
  step,
  TEST_AUTH_SECRET,
} from "./test-lib.mjs";

mkdirSync(path.join(root, ".tmp"), { recursive: true });
const missing = ensureSystemPackages();
ensureNext15Fixture();

step("formatting (Prettier, width 100)", process.execPath, [
  path.join(root, "node_modules/prettier/bin/prettier.cjs"),
  "--check",
  ".",
]);
step("lint (ESLint, Next's flat config)", process.execPath, [
  path.join(root, "node_modules/eslint/bin/eslint.js"),
  ".",
]);

step("registry items (registry.json and public/r/ match a fresh shadcn build)", process.execPath, [
  path.join(root, "scripts/registry.mjs"),
  "--check",
]);

const built = productionBuild();
step("typecheck (tsc, tests included)", process.execPath, [
  path.join(root, "node_modules/typescript/bin/tsc"),
  "--noEmit",
  "-p",
  ".",
]);
step("typecheck the README's examples (docs/examples/)", process.execPath, [
  path.join(root, "node_modules/typescript/bin/tsc"),
  "--noEmit",
  "-p",
  "docs/examples",
]);
step("typecheck the registry items' project files (registry/project/)", process.execPath, [
  path.join(root, "node_modules/typescript/bin/tsc"),
  "--noEmit",
  "-p",
  "registry",
]);

const vitestOut = path.join(root, ".tmp/vitest-report.json");
step(
  "unit and integration tests (Vitest)",
  process.execPath,
  [
    path.join(root, "node_modules/vitest/vitest.mjs"),
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${vitestOut}`,
  ],
  {
    env: { TEST_AUTH_SECRET },
  },
);
addCounts(vitestOut, "vitest");

// Every entry point of the build guarded or public with a reason, the generated access table in
// step, and the running server answering as the policies declare (lib/authz/tools/).
if (built) {
  const tools = path.join(root, "lib/authz/tools");
  const users = ["--users", "lib/demo/users.ts#demoUsers"];
  step("entry-point report (npm run authz:report)", process.execPath, [
    path.join(tools, "report-node.mjs"),
  ]);
  step("docs/access.md up to date (npm run authz:access-doc)", process.execPath, [
    path.join(tools, "access-doc-node.mjs"),
    ...users,
    "--check",
  ]);
  step("entry-point probe against next start (npm run authz:probe)", process.execPath, [
    path.join(tools, "probe-node.mjs"),
    ...users,
    // Bearer tokens from an issuer made for the run, and carol's API key (DESIGN §1.8).
    "--credentials",
    "lib/demo/probe-credentials.ts#probeCredentials",
  ]);
}

if (!built) skipSuite("end-to-end tests (Playwright)", "the production build failed");
else if (missing.includes("chromium"))
  skipSuite("end-to-end tests (Playwright)", "no Chromium, see above");
else {
  // Only the e2e phase needs the second build (the guards without middleware.ts); one build a run.
  buildWithoutMiddleware();
  playwright();
  playwrightOnBetterAuth();
}

finish();
