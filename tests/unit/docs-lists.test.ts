/**
 * docs/lists.md shows the compiled example (docs/examples/lists.ts) as it is, and names the tests
 * and files it points to: the page cannot drift from the code it describes.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script shared with `node scripts/readme-examples.mjs`
import { exampleBlocks } from "../../scripts/readme-examples.mjs";

const root = path.resolve(__dirname, "../..");
const doc = readFileSync(path.join(root, "docs/lists.md"), "utf8");

describe("docs/lists.md", () => {
  it("embeds docs/examples/lists.ts exactly", () => {
    const blocks = exampleBlocks(doc) as { file: string; code: string }[];
    expect(blocks.map((b) => b.file)).toEqual(["docs/examples/lists.ts"]);
    for (const b of blocks)
      expect(b.code).toBe(readFileSync(path.join(root, b.file), "utf8").trimEnd());
  });

  it("names files that exist", () => {
    const named = [...doc.matchAll(/`((?:lib|tests|docs)\/[\w./-]+\.(?:ts|md))`/g)].map(
      (m) => m[1]!,
    );
    expect(named.length).toBeGreaterThan(3);
    for (const file of named) expect(existsSync(path.join(root, file)), file).toBe(true);
  });
});
