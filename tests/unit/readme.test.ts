/**
 * The README is the front door: its examples must be the compiled files in docs/examples/, and
 * every public export must have an entry in its API reference and appear in an example.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script shared with `node scripts/readme-examples.mjs`
import { exampleBlocks } from "../../scripts/readme-examples.mjs";

const root = path.resolve(__dirname, "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const blocks = exampleBlocks(readme) as { file: string; lang: string; code: string }[];
const apiReference = readme.slice(
  readme.indexOf("## API reference"),
  readme.indexOf("## Security model"),
);

const entryPoints = {
  "@/lib/authz": "lib/authz/index.ts",
  "@/lib/authz/server": "lib/authz/server.ts",
  "@/lib/authz/action": "lib/authz/action.ts",
  "@/lib/authz/testing": "lib/authz/testing.ts",
  "@/lib/authz/rate-limit/redis": "lib/authz/rate-limit/redis.ts",
  "@/lib/authz/next-config": "lib/authz/next-config.ts",
} as const;

/** Type-only exports of a module's source (`export type { A, B }`, `export interface X`, `export type X =`). */
function typeExports(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/export type \{([^}]*)\}/g))
    for (const n of m[1]!.split(",")) names.add(n.trim().split(" as ").pop()!.trim());
  for (const m of source.matchAll(/export (?:interface|type) (\w+)/g)) names.add(m[1]!);
  names.delete("");
  return [...names];
}

describe("README examples", () => {
  it("has example blocks", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it.each(blocks.map((b) => [b.file, b]))(
    "%s: the README shows the file as it is",
    (file, block) => {
      expect(block.code).toBe(readFileSync(path.join(root, file), "utf8").trimEnd());
    },
  );

  it("embeds every file of docs/examples/", () => {
    const files = readdirSync(path.join(root, "docs/examples"), {
      recursive: true,
      encoding: "utf8",
    })
      .filter((f) => /\.tsx?$/.test(f))
      .map((f) => `docs/examples/${f}`);
    expect(files.filter((f) => !blocks.some((b) => b.file === f))).toEqual([]);
  });

  it("the quick start's app/forbidden.tsx is the file the registry's starter installs", () => {
    const read = (file: string) => readFileSync(path.join(root, file), "utf8");
    expect(blocks.some((b) => b.file === "docs/examples/forbidden.tsx")).toBe(true);
    expect(read("registry/project/app/forbidden.tsx")).toBe(read("docs/examples/forbidden.tsx"));
  });
});

describe("README API reference", () => {
  const allExamples = blocks.map((b) => b.code).join("\n");

  it.each(Object.entries(entryPoints))(
    "every runtime export of %s has an entry and appears in an example",
    async (_name, file) => {
      const mod = (await import(path.join(root, file))) as Record<string, unknown>;
      const names = Object.keys(mod);
      expect(names.length).toBeGreaterThan(0);
      const missingEntry = names.filter((n) => !apiReference.includes(`\`${n}`));
      const missingExample = names.filter((n) => !new RegExp(`\\b${n}\\b`).test(allExamples));
      expect({ missingEntry, missingExample }).toEqual({ missingEntry: [], missingExample: [] });
    },
  );

  it("lists every type the edge-safe entry point exports", () => {
    const types = typeExports(readFileSync(path.join(root, entryPoints["@/lib/authz"]), "utf8"));
    expect(types.length).toBeGreaterThan(20);
    expect(types.filter((t) => !apiReference.includes(`\`${t}\``))).toEqual([]);
  });
});
