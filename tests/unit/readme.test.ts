/**
 * The README is the front door and docs/ holds the guides: their examples must be the compiled
 * files in docs/examples/, every example file must be shown somewhere, the README stays short, and
 * every public export appears in an example. The API reference itself is generated (docs/api.md,
 * tests/unit/api-reference.test.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script shared with `node scripts/readme-examples.mjs`
import { exampleBlocks, exampleDocuments } from "../../scripts/readme-examples.mjs";

const root = path.resolve(__dirname, "../..");
const documents = (exampleDocuments() as string[]).map((file) => ({
  file,
  text: readFileSync(path.join(root, file), "utf8"),
}));
const readme = documents.find((d) => d.file === "README.md")!.text;
const blocks = documents.flatMap(({ file, text }) =>
  (exampleBlocks(text) as { file: string; lang: string; code: string }[]).map((b) => ({
    ...b,
    document: file,
  })),
);

const entryPoints = {
  "@/lib/authz": "lib/authz/index.ts",
  "@/lib/authz/server": "lib/authz/server.ts",
  "@/lib/authz/action": "lib/authz/action.ts",
  "@/lib/authz/testing": "lib/authz/testing.ts",
  "@/lib/authz/rate-limit/redis": "lib/authz/rate-limit/redis.ts",
  "@/lib/authz/next-config": "lib/authz/next-config.ts",
} as const;

describe("README and guides: examples", () => {
  it("has example blocks", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it.each(blocks.map((b) => [`${b.document}: ${b.file}`, b]))(
    "%s: the document shows the file as it is",
    (_name, block) => {
      expect(block.code).toBe(readFileSync(path.join(root, block.file), "utf8").trimEnd());
    },
  );

  it("embeds every file of docs/examples/ in the README or a guide", () => {
    const files = readdirSync(path.join(root, "docs/examples"), {
      recursive: true,
      encoding: "utf8",
    })
      .filter((f) => /\.tsx?$/.test(f))
      .map((f) => `docs/examples/${f}`);
    expect(files.filter((f) => !blocks.some((b) => b.file === f))).toEqual([]);
  });

  it("the install guide's app/forbidden.tsx is the file the registry's starter installs", () => {
    const read = (file: string) => readFileSync(path.join(root, file), "utf8");
    expect(blocks.some((b) => b.file === "docs/examples/forbidden.tsx")).toBe(true);
    expect(read("registry/project/app/forbidden.tsx")).toBe(read("docs/examples/forbidden.tsx"));
  });
});

describe("README as a front door", () => {
  it("is at most 400 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(400);
  });

  it("has a quick start of at most five steps", () => {
    const quickStart = readme.slice(
      readme.indexOf("## Quick start in your project"),
      readme.indexOf("\n## ", readme.indexOf("## Quick start in your project") + 1),
    );
    const steps = [...quickStart.matchAll(/^\*\*(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(steps).toEqual([1, 2, 3, 4, 5]);
  });

  it("links only to guides that exist", () => {
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(10);
    const documentFiles = new Set(documents.map((d) => d.file));
    expect(links.filter((l) => !documentFiles.has(l))).toEqual([]);
  });
});

describe("public exports in examples", () => {
  const allExamples = blocks.map((b) => b.code).join("\n");

  it.each(Object.entries(entryPoints))(
    "every runtime export of %s appears in an example",
    async (_name, file) => {
      const mod = (await import(path.join(root, file))) as Record<string, unknown>;
      const names = Object.keys(mod);
      expect(names.length).toBeGreaterThan(0);
      const missingExample = names.filter((n) => !new RegExp(`\\b${n}\\b`).test(allExamples));
      expect(missingExample).toEqual([]);
    },
  );
});
