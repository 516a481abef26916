/**
 * No file of lib/authz/ depends on itself through others: every import, type-only ones included,
 * points one way, so any file reads top to bottom without another file open. The shared types live
 * in the leaf module types.ts, which imports only types, from modules that import nothing but the
 * error type.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  importCycles,
  moduleReferences,
  resolveLocal,
  SOURCE_EXTENSIONS,
} from "../support/module-imports";

const kitDir = path.resolve(__dirname, "../../lib/authz");

function kitFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return kitFiles(full);
    return SOURCE_EXTENSIONS.some((e) => entry.name.endsWith(e)) ? [full] : [];
  });
}

/** Every kit file and the kit files it imports, by path relative to lib/authz/. */
function kitGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of kitFiles(kitDir)) {
    const targets = moduleReferences(file, readFileSync(file, "utf8")).flatMap((r) => {
      const target = resolveLocal(file, r.specifier);
      return target === null ? [] : [path.relative(kitDir, target)];
    });
    graph.set(path.relative(kitDir, file), [...new Set(targets)]);
  }
  return graph;
}

describe("lib/authz/ import graph", () => {
  const graph = kitGraph();

  it("is the real graph (the walk found the kit's imports)", () => {
    expect(graph.get("index.ts")).toEqual(expect.arrayContaining(["access.ts", "types.ts"]));
    expect(graph.get("route.ts")).toEqual(expect.arrayContaining(["types.ts", "body.ts"]));
    expect(graph.size).toBeGreaterThan(25);
  });

  it("has no import cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("route.ts needs a checker, not the kit that builds one", () => {
    expect(graph.get("route.ts")).not.toContain("authz.ts");
  });

  it("types.ts is a leaf: it imports types only, from modules that import at most errors.ts", () => {
    const text = readFileSync(path.join(kitDir, "types.ts"), "utf8");
    expect(moduleReferences("types.ts", text).every((r) => r.typeOnly)).toBe(true);
    for (const target of graph.get("types.ts") ?? [])
      expect(
        graph.get(target)?.filter((t) => t !== "errors.ts"),
        target,
      ).toEqual([]);
    expect(graph.get("errors.ts")).toEqual([]);
  });
});
