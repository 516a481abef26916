#!/usr/bin/env node
// `npm run authz:report [-- --json] [-- --dir <project>]`: every entry point the built server
// serves (route handler methods, pages, layouts, server actions with their ids) with the policy
// that guards it and the credential kinds it accepts, or `public` with its reason, and the
// middleware rule that also applies.
// Exit 0 when every entry is guarded or public with a reason, 1 when any is not, 2 when it cannot
// run (no build, a module it cannot read), with one clear line. How it knows: entries-node.mjs.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { acceptedKinds, CannotRun, collectEntries, isBlankReason } from "./entries-node.mjs";

/** The JSON shape: internal fields (where a policy's value lives) stay out. */
export function publicShape({ entries, unguarded, notes = [] }) {
  return {
    entries: entries.map((e) => {
      const out = { kind: e.kind, path: e.path };
      if (e.method && e.kind !== "page") out.method = e.method;
      if (e.actionId) out.actionId = e.actionId;
      if (e.policy) out.policy = e.policy;
      // The credential kinds it takes; null when the source's types do not say.
      if (e.policy) out.accepts = acceptedKinds(e);
      if (e.public !== undefined) out.public = e.public;
      if (e.middleware) out.middleware = e.middleware;
      out.file = e.file;
      if (e.pages) out.pages = e.pages;
      if (e.unused) out.unused = true;
      if (e.layoutGuard) out.layoutGuard = e.layoutGuard;
      return out;
    }),
    unguarded,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r) =>
      r.map((c, i) => (i === r.length - 1 ? String(c) : String(c).padEnd(widths[i]))).join("  "),
    )
    .join("\n");
}

/** The human-readable report. */
export function formatReport(result) {
  const { entries, unguarded, notes = [] } = result;
  const rows = [["KIND", "METHOD", "PATH", "GUARD", "ACCEPTS", "MIDDLEWARE", "FILE"]];
  for (const e of entries) {
    const guard = e.policy
      ? `policy ${e.policy}`
      : e.public !== undefined && !isBlankReason(e.public)
        ? `public: ${e.public}`
        : "UNGUARDED";
    rows.push([
      e.kind,
      e.kind === "page" || e.kind === "layout" ? "" : (e.method ?? ""),
      e.actionId ? `${e.path} [action ${e.actionId}]` : e.path,
      guard,
      e.policy ? (acceptedKinds(e)?.join(",") ?? "?") : "-",
      e.middleware ?? "-",
      e.file + (e.unused ? " (used by no page)" : ""),
    ]);
  }
  const lines = [table(rows), "", ...notes.map((note) => `Note: ${note}`)];
  if (unguarded.length === 0) {
    lines.push(
      `${entries.length} entry points: every one guarded by a policy or public with a reason.`,
    );
  } else {
    lines.push(
      `${unguarded.length} of ${entries.length} entry points have neither a policy nor a public reason:`,
    );
    for (const u of unguarded)
      lines.push(
        `  ${u.kind} ${u.method && u.kind !== "page" && u.kind !== "layout" ? `${u.method} ` : ""}${u.path}${u.actionId ? ` [action ${u.actionId}]` : ""} (${u.file}): ${u.reason}`,
      );
  }
  return lines.join("\n");
}

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
