#!/usr/bin/env node
// `npm run authz:access-doc`: docs/access.md, generated from the declaration. Three tables: roles ×
// permissions, plans × features, and every entry point of the build × each user with the outcome
// the policies declare. `--check` exits 1 when the file is out of date (npm test runs it).
//
//   node lib/authz/tools/access-doc-node.mjs --users lib/demo/users.ts#demoUsers [--out docs/access.md] [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { acceptedKinds, CannotRun, collectEntries, loadTypeScript } from "./entries-node.mjs";
import { expectedFor, loadPolicies, loadUsers } from "./probe-node.mjs";

const OUTCOME = {
  401: "401 / sign-in",
  403: "403",
  404: "404",
  429: "429",
  allowed: "allowed",
  org: "by org",
  public: "public",
  refused: "UNGUARDED",
  unknown: "?",
};

const row = (cells) => `| ${cells.join(" | ")} |`;
const tableOf = (header, rows) =>
  [row(header), row(header.map(() => "---")), ...rows.map(row)].join("\n");
const escape = (s) => String(s).replace(/\|/g, "\\|");

/** The Markdown text of the access document. */
export function accessDocument({ access, entries, users, clientIp = null }) {
  const declaration = access.declaration;
  const roles = Object.keys(declaration.roles);
  const permissions = [
    ...new Set(roles.flatMap((r) => declaration.roles[r].permissions ?? [])),
  ].sort();
  const plans = Object.keys(declaration.plans ?? {});
  const features = [...new Set(plans.flatMap((p) => declaration.plans[p].features))].sort();
  const subject = (extra) => ({ id: "doc", roles: [], ...extra });

  const lines = [
    "# Who can do what",
    "",
    "Generated from the access declaration and the build by `npm run authz:access-doc`; `npm test` fails",
    "when this file is out of date. Do not edit it by hand.",
    "",
    "## Roles × permissions",
    "",
    "Inherited permissions count (a role that inherits another has its permissions).",
    "",
    tableOf(
      ["role", ...permissions.map((p) => `\`${p}\``)],
      roles.map((r) => [
        `\`${r}\``,
        ...permissions.map((p) => (access.hasPermission(subject({ roles: [r] }), p) ? "yes" : "")),
      ]),
    ),
    "",
    "## Plans × features",
    "",
    plans.length === 0
      ? "No plans are declared."
      : tableOf(
          ["plan", ...features.map((f) => `\`${f}\``)],
          plans.map((p) => [
            `\`${p}\``,
            ...features.map((f) => (access.hasFeature(subject({ plan: p }), f) ? "yes" : "")),
          ]),
        ),
    "",
    "## Entry points × users",
    "",
    "The outcome each user gets by the declared policies (middleware rule, then the entry's own):",
    "`401 / sign-in` (an API answers 401, a page redirects to sign-in), `403`, `allowed` (the handler",
    "decides from there: 200, or 404 for a record the user may not see), `by org` (the user's",
    "memberships in the URL's org decide: 200, 403 without the org role, 404 for a non-member),",
    "`public` (no policy: the",
    "reason says why). An IP rule is shown for a client whose address the server cannot know (no",
    "trusted proxy in front). `accepts` lists the credential kinds the entry's policy takes",
    "(`session` cookies, `bearer` tokens, `api_key`s; pages and server actions take sessions only);",
    "the outcomes are for sessions. `npm run authz:probe` checks this table against a running server.",
    "",
    tableOf(
      ["entry", "guard", "accepts", "anonymous", ...users.map((u) => u.label)],
      entries
        .filter((e) => e.kind !== "layout" && !e.framework)
        .map((e) => [
          escape(
            e.kind === "action"
              ? `action \`${e.file}\``
              : e.kind === "page"
                ? `page \`${e.path}\``
                : `\`${e.method} ${e.path}\``,
          ),
          escape(e.policy ? `\`${e.policy}\`` : e.public ? `public: ${e.public}` : "UNGUARDED"),
          acceptedKinds(e)?.join(", ") ?? (e.policy ? "?" : ""),
          ...[null, ...users.map((u) => u.claims)].map(
            (claims) => OUTCOME[expectedFor(e, claims, clientIp)] ?? "?",
          ),
        ]),
    ),
    "",
  ];
  return lines.join("\n");
}

async function format(projectDir, text) {
  try {
    const require = createRequire(path.join(projectDir, "package.json"));
    const imported = await import(pathToFileURL(require.resolve("prettier")).href);
    const prettier = imported.format ? imported : imported.default;
    const file = path.join(projectDir, "docs/access.md");
    const options = (await prettier.resolveConfig(file)) ?? {};
    return prettier.format(text, { ...options, filepath: file });
  } catch {
    return text;
  }
}

export async function main(argv = process.argv.slice(2), out = console) {
  try {
    const args = { dir: process.cwd(), out: "docs/access.md", users: null, check: false };
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === "--dir") args.dir = path.resolve(argv[++i]);
      else if (a === "--out") args.out = argv[++i];
      else if (a === "--users") args.users = argv[++i];
      else if (a === "--check") args.check = true;
      else throw new CannotRun(`unknown option ${a}`);
    }
    if (!args.users) throw new CannotRun("--users <module>#<export> is required");
    const ts = loadTypeScript(args.dir);
    const { entries } = await collectEntries({ projectDir: args.dir });
    await loadPolicies(ts, args.dir, entries);
    const users = await loadUsers(ts, args.dir, args.users);
    const access = entries.map((e) => e.policyValue?.access).find(Boolean);
    if (!access) throw new CannotRun("no entry point names a policy: nothing to document");
    const text = await format(args.dir, accessDocument({ access, entries, users }));
    const file = path.resolve(args.dir, args.out);
    if (args.check) {
      let current = "";
      try {
        current = readFileSync(file, "utf8");
      } catch {
        // missing: stale
      }
      if (current !== text) {
        out.error(`${args.out} is out of date: run \`npm run authz:access-doc\` and commit it.`);
        return 1;
      }
      out.log(`${args.out} is up to date.`);
      return 0;
    }
    writeFileSync(file, text);
    out.log(`wrote ${args.out}`);
    return 0;
  } catch (error) {
    const message =
      error instanceof CannotRun ? error.message : `unexpected error: ${error?.stack ?? error}`;
    out.error(`authz:access-doc cannot run: ${message}`);
    return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main();
}
