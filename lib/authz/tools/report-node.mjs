#!/usr/bin/env node
// `npm run authz:report [-- --json] [-- --dir <project>]`: every entry point the built server
// serves (route handler methods, pages, layouts, server actions with their ids) with the policy
// that guards it and the credential kinds it accepts, or `public` with its reason, and the
// middleware rule that also applies.
// Exit 0 when every entry is guarded or public with a reason, 1 when any is not, 2 when it cannot
// run (no build, a module it cannot read), with one clear line. How it knows: entries-node.mjs.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CannotRun, collectEntries } from "./entries-node.mjs";
import { formatReport, publicShape } from "./print-node.mjs";

export { formatReport, publicShape } from "./print-node.mjs";

function parseArgs(argv) {
  const args = { json: false, dir: process.cwd(), dist: ".next" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") args.json = true;
    else if (a === "--dir") args.dir = path.resolve(argv[++i] ?? ".");
    else if (a === "--dist") args.dist = argv[++i] ?? ".next";
    else throw new CannotRun(`unknown option ${a} (use --json, --dir <project>, --dist <folder>)`);
  }
  return args;
}

/** Runs the report; returns the exit code. */
export async function main(argv = process.argv.slice(2), out = console) {
  let result;
  let args;
  try {
    args = parseArgs(argv);
    result = await collectEntries({ projectDir: args.dir, distDir: args.dist });
  } catch (error) {
    const message =
      error instanceof CannotRun ? error.message : `unexpected error: ${error?.stack ?? error}`;
    out.error(`authz:report cannot run: ${message}`);
    return 2;
  }
  if (args.json) out.log(JSON.stringify(publicShape(result), null, 2));
  else out.log(formatReport(result));
  return result.unguarded.length > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main();
}
