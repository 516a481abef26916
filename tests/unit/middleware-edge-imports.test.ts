/**
 * Edge-safety of middleware.ts: walks the import graph it bundles (relative and `@/` imports, read
 * by the shared scanner of tests/support/module-imports.ts; type-only imports are skipped since
 * they are erased) and fails on any Node built-in, and on any package outside a short list: each
 * package on the Edge path costs bundle size (next-auth alone doubles it), so adding one should be
 * a decision, not an accident.
 * `next build` proves the same for Node built-ins; this test says which file did it, in a second.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isNodeBuiltin, moduleReferences, resolveLocal } from "../support/module-imports";

const root = path.resolve(__dirname, "../..");

/** Packages the Edge middleware may import (value imports), by exact specifier. */
// @opentelemetry/api: edge-safe, a no-op until an SDK registers (the decision log's spans).
const EDGE_PACKAGES = new Set(["next/server", "@opentelemetry/api"]);

interface Edge {
  readonly from: string;
  readonly specifier: string;
}

/** Value imports and re-exports of a source (type-only ones are erased and do not ship). */
const valueImports = (fileName: string, text: string): string[] =>
  moduleReferences(fileName, text)
    .filter((r) => !r.typeOnly)
    .map((r) => r.specifier);

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
        const target = resolveLocal(file, specifier, root);
        if (target) queue.push(target);
        else unresolved.push(edge);
      } else {
        external.push(edge);
      }
    }
  }
  return { files, external, unresolved };
}

describe("middleware.ts import graph (Edge runtime)", () => {
  const graph = importGraph(path.join(root, "middleware.ts"));

  it("reaches the kit and the demo's access module (the walk is real)", () => {
    expect(graph.files).toEqual(
      expect.arrayContaining([
        "middleware.ts",
        "lib/access.ts",
        "lib/authz-edge.ts",
        "lib/authz/middleware.ts",
        "lib/authz/decide/path.ts",
        "lib/authz/http/sign-in.ts",
        "lib/authz/decide/authz.ts",
      ]),
    );
    expect(graph.unresolved).toEqual([]);
  });

  it("imports no Node built-in, from any file", () => {
    expect(graph.external.filter((e) => isNodeBuiltin(e.specifier))).toEqual([]);
  });

  it("imports no file marked Node-only (*-node.ts) and not the full Auth.js setup", () => {
    expect(graph.files.filter((f) => /-node\.tsx?$/.test(f) || f === "lib/auth.ts")).toEqual([]);
  });

  it("imports only next/server and @opentelemetry/api among packages (no next-auth, no zod)", () => {
    expect(graph.external.filter((e) => !EDGE_PACKAGES.has(e.specifier))).toEqual([]);
  });
});
