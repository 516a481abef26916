/**
 * The shared import scanner (tests/support/module-imports.ts), proved on crafted sources, so that
 * the kit's import rules, the Edge import graph and the cycle check cannot pass by finding nothing.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  importCycles,
  isNodeBuiltin,
  moduleReferences,
  resolveLocal,
} from "../support/module-imports";

const root = path.resolve(__dirname, "../..");
const valueImports = (fileName: string, text: string): string[] =>
  moduleReferences(fileName, text)
    .filter((r) => !r.typeOnly)
    .map((r) => r.specifier);

describe("moduleReferences", () => {
  it("finds every kind of module reference and nothing in comments or strings", () => {
    const text = [
      `import a from "a";`,
      `import type { B } from "b";`,
      `import "c";`,
      `export { d } from "d";`,
      `export * from "e";`,
      `const f = await import("f");`,
      `const g = require("g");`,
      `import h = require("h");`,
      `type I = import("i").I;`,
      `const j = import(name);`,
      `const K: string = "k";`,
      `let L = "l";`,
      `const k = import(K);`,
      `const l = import(L);`,
      `/** @example import { x } from "in-a-comment"; */`,
      `// import y from "in-a-line-comment";`,
      `const s = 'import z from "in-a-string"';`,
    ].join("\n");
    expect(moduleReferences("x.ts", text).map((s) => s.specifier)).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
      "f",
      "g",
      "h",
      "i",
      "<non-literal>",
      "k",
      "<non-literal>",
    ]);
  });

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

describe("resolveLocal", () => {
  const from = path.join(root, "lib/authz/session/authjs.ts");
  it("finds a file by added extension, a folder by its index, and an alias from the root", () => {
    expect(resolveLocal(from, "./jwe")).toBe(path.join(root, "lib/authz/session/jwe.ts"));
    expect(resolveLocal(from, ".")).toBe(path.join(root, "lib/authz/session/index.ts"));
    expect(resolveLocal(from, "@/lib/authz/types", root)).toBe(
      path.join(root, "lib/authz/types.ts"),
    );
  });
  it("answers null for what is not a local file", () => {
    expect(resolveLocal(from, "./no-such-file")).toBeNull();
    expect(resolveLocal(from, "next/server")).toBeNull();
    expect(resolveLocal(from, "@/lib/authz/types")).toBeNull();
  });
});

describe("isNodeBuiltin", () => {
  it("knows Node built-ins with and without the node: prefix", () => {
    expect(["node:fs", "crypto", "fs/promises", "async_hooks"].every(isNodeBuiltin)).toBe(true);
    expect(["next/server", "zod/mini", "jose"].some(isNodeBuiltin)).toBe(false);
  });
});

describe("importCycles", () => {
  it("finds every cycle, self-imports included, and nothing in a tree", () => {
    const graph = new Map<string, string[]>([
      ["a", ["b"]],
      ["b", ["c", "d"]],
      ["c", ["a"]],
      ["d", ["e"]],
      ["e", []],
      ["f", ["f"]],
      ["g", ["h"]],
      ["h", ["g", "e"]],
    ]);
    expect(importCycles(graph)).toEqual([["a", "b", "c"], ["f"], ["g", "h"]]);
    expect(
      importCycles(
        new Map([
          ["a", ["b", "c"]],
          ["b", ["c"]],
          ["c", []],
        ]),
      ),
    ).toEqual([]);
  });
});
