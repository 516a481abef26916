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
    expect(graph.get("index.ts")).toEqual(expect.arrayContaining(["decide/access.ts", "types.ts"]));
    expect(graph.get("entry/route.ts")).toEqual(
      expect.arrayContaining(["types.ts", "http/body.ts"]),
    );
    expect(graph.size).toBeGreaterThan(25);
  });

  it("has no import cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("entry/route.ts needs a checker, not the kit that builds one", () => {
    expect(graph.get("entry/route.ts")).not.toContain("decide/authz.ts");
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

/** The top folder of a kit file ("" for the root's files: the public doors and the two leaves). */
function folderOf(file: string): string {
  return file.includes("/") ? file.slice(0, file.indexOf("/")) : "";
}

/** The root's leaves, which every folder may import: the shared types and the config error. */
const ROOT_LEAVES = ["types.ts", "errors.ts"];
/** decide/'s leaf values, which plumbing and stores may import: verdicts, issues, time budgets. */
const DECIDE_LEAVES = ["decide/decision.ts", "decide/schema.ts", "decide/deadline.ts"];

describe("lib/authz/ folders point one way: doors → entry/ → decide/ → the rest", () => {
  const graph = kitGraph();
  const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));
  const crossing = (from: string[], to: string) =>
    edges.filter((e) => !from.includes(folderOf(e.from)) && folderOf(e.to) === to);

  it("walks the real folders (entry/, decide/ and http/ are imported)", () => {
    for (const folder of ["entry", "decide", "http"])
      expect(crossing([folder], folder).length, folder).toBeGreaterThan(0);
  });

  it("only the root's doors and entry/ itself import entry/", () => {
    expect(crossing(["", "entry"], "entry")).toEqual([]);
  });

  it("folders import from the root only its leaves, types.ts and errors.ts", () => {
    expect(crossing([""], "").filter((e) => !ROOT_LEAVES.includes(e.to))).toEqual([]);
  });

  it("below entry/ and decide/, decide/ is reached only through its leaf values", () => {
    expect(
      crossing(["", "entry", "decide"], "decide").filter((e) => !DECIDE_LEAVES.includes(e.to)),
    ).toEqual([]);
    for (const leaf of DECIDE_LEAVES)
      expect(
        graph.get(leaf)?.filter((t) => t !== "errors.ts"),
        leaf,
      ).toEqual([]);
  });
});
