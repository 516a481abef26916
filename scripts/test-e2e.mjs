#!/usr/bin/env node
// `npm run test:e2e [-- playwright args]`: build, then the Playwright suites against `next start`.
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  buildWithoutMiddleware,
  ensureSystemPackages,
  finish,
  playwright,
  playwrightOnBetterAuth,
  productionBuild,
  root,
} from "./test-lib.mjs";

mkdirSync(path.join(root, ".tmp"), { recursive: true });
const missing = ensureSystemPackages();
if (missing.includes("chromium")) {
  console.error("No Chromium: the end-to-end tests cannot run (see above).");
  process.exit(1);
}
if (productionBuild() && buildWithoutMiddleware()) {
  playwright(process.argv.slice(2));
  // With spec arguments, only what was asked for; otherwise the Better Auth run as well.
  if (process.argv.length <= 2) playwrightOnBetterAuth();
}
finish();
