/**
 * Edge-safety of middleware.ts: walks the import graph it bundles (relative and `@/` imports,
 * read with TypeScript's own parser, type-only imports skipped since they are erased) and fails on
 * any Node built-in, and on any package outside a short list: each package on the Edge path costs
 * bundle size (next-auth alone doubles it), so adding one should be a decision, not an accident.
 * `next build` proves the same for Node built-ins; this test says which file did it, in a second.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const NODE_BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith("_")));

/** Packages the Edge middleware may import (value imports), by exact specifier. */
// @opentelemetry/api: edge-safe, a no-op until an SDK registers (the decision log's spans).
const EDGE_PACKAGES = new Set(["next/server", "@opentelemetry/api"]);

interface Edge {
  readonly from: string;
  readonly specifier: string;
}

/** Value imports and re-exports of a source (type-only ones are erased and do not ship). */
function valueImports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TSX,
  );
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      !node.isTypeOnly
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      if (isImport || isRequire) {
        const arg = node.arguments[0];
        found.push(arg && ts.isStringLiteralLike(arg) ? arg.text : "<non-literal>");
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveLocal(from: string, specifier: string): string | null {
  const base = specifier.startsWith("@/")
    ? path.join(root, specifier.slice(2))
    : path.resolve(path.dirname(from), specifier);
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, "index.ts"),
    path.join(base, "index.tsx"),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every file the entry bundles, and every package or unresolvable specifier it reaches. */
function importGraph(entry: string): { files: string[]; external: Edge[]; unresolved: Edge[] } {
  const files: string[] = [];
  const external: Edge[] = [];
  const unresolved: Edge[] = [];
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    files.push(path.relative(root, file));
    for (const specifier of valueImports(file, readFileSync(file, "utf8"))) {
      const edge = { from: path.relative(root, file), specifier };
      if (specifier.startsWith(".") || specifier.startsWith("@/")) {
        const target = resolveLocal(file, specifier);
        if (target) queue.push(target);
        else unresolved.push(edge);
      } else {
        external.push(edge);
      }
    }
  }
  return { files, external, unresolved };
}

const isNodeBuiltin = (specifier: string) =>
  specifier.startsWith("node:") || NODE_BUILTINS.has(specifier.split("/")[0] ?? specifier);

describe("the walker itself (so a walk that finds nothing cannot pass for a clean graph)", () => {
  it("finds value imports and skips type-only ones", () => {
    const text = [
      'import fs from "node:fs";',
      'import { type A } from "./types-only";',
      'import type { B } from "./types-too";',
      'import { c, type D } from "./mixed";',
      'export { e } from "./reexport";',
      'export type { F } from "./type-reexport";',
      'const g = await import("./lazy");',
      'const h = require("crypto");',
      "// import x from 'node:os' (a comment is not an import)",
    ].join("\n");
    expect(valueImports("x.ts", text)).toEqual([
      "node:fs",
      "./mixed",
      "./reexport",
      "./lazy",
      "crypto",
    ]);
  });
  it("knows Node built-ins with and without the node: prefix", () => {
    expect(["node:fs", "crypto", "fs/promises", "async_hooks"].every(isNodeBuiltin)).toBe(true);
    expect(["next/server", "zod/mini", "jose"].some(isNodeBuiltin)).toBe(false);
  });
});

describe("middleware.ts import graph (Edge runtime)", () => {
  const graph = importGraph(path.join(root, "middleware.ts"));

  it("reaches the kit and the demo's access module (the walk is real)", () => {
    expect(graph.files).toEqual(
      expect.arrayContaining([
        "middleware.ts",
        "lib/access.ts",
        "lib/kit.ts",
        "lib/authz/middleware.ts",
        "lib/authz/path.ts",
        "lib/authz/authz.ts",
      ]),
    );
    expect(graph.unresolved).toEqual([]);
  });

  it("imports no Node built-in, from any file", () => {
    expect(graph.external.filter((e) => isNodeBuiltin(e.specifier))).toEqual([]);
  });

  it("imports no file marked Node-only (*-node.ts) and not the full Auth.js setup", () => {
    expect(
      graph.files.filter(
        (f) => /-node\.tsx?$/.test(f) || f === "lib/auth.ts" || f === "lib/guard.ts",
      ),
    ).toEqual([]);
  });

  it("imports only next/server and @opentelemetry/api among packages (no next-auth, no zod)", () => {
    expect(graph.external.filter((e) => !EDGE_PACKAGES.has(e.specifier))).toEqual([]);
  });
});
