#!/usr/bin/env node
// The longest functions of the kit (lib/authz/), read with the TypeScript compiler: a function's
// lines from its signature to its closing brace, less the lines of the functions nested in it
// (each counted on its own), so a factory is measured by its own statements, not its methods'. `node scripts/function-lengths.mjs [--top N] [--max N]` prints
// them; tests/unit/kit-function-length.test.ts holds every runtime function to the bound.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "..");
const kit = path.join(root, "lib/authz");

/** Every `.ts` file of the kit, relative to the repo (the dev-time tools are `.mjs` and apart). */
export function kitFiles() {
  return readdirSync(kit, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join("lib/authz", f))
    .sort();
}

function nameOf(node, source) {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  if (parent && ts.isCallExpression(parent))
    return `(callback of ${parent.expression.getText(source).slice(0, 40)})`;
  return "(anonymous)";
}

const isFunction = (node) =>
  (ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node)) &&
  node.body !== undefined;

/** `{ file, name, line, lines }` for every function, method and arrow function of the kit. */
export function functionLengths(files = kitFiles()) {
  const out = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (isFunction(node)) {
        const span = (n) =>
          source.getLineAndCharacterOfPosition(n.getEnd()).line -
          source.getLineAndCharacterOfPosition(n.getStart(source)).line +
          1;
        const nested = [];
        const collect = (child) => {
          if (isFunction(child)) nested.push(child);
          else ts.forEachChild(child, collect);
        };
        ts.forEachChild(node.body, collect);
        const own = span(node) - nested.reduce((sum, n) => sum + span(n), 0);
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        out.push({ file, name: nameOf(node, source), line, lines: own });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out.sort((a, b) => b.lines - a.lines);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (flag, fallback) => {
    const i = process.argv.indexOf(flag);
    return i < 0 ? fallback : Number(process.argv[i + 1]);
  };
  const top = arg("--top", 10);
  const max = arg("--max", Infinity);
  const rows = functionLengths();
  const shown = Number.isFinite(max) ? rows.filter((r) => r.lines > max) : rows.slice(0, top);
  for (const r of shown)
    console.log(`${String(r.lines).padStart(4)}  ${r.file}:${r.line}  ${r.name}`);
  if (Number.isFinite(max) && shown.length > 0) process.exit(1);
}
