/**
 * The kit's comments send long explanations to docs/ with `@see docs/<file>.md#anchor`: every such
 * link must name a file in the repository and a heading in it, and no comment may cite a document
 * outside the repository. Every AuthzConfigError code is listed in docs/configuration-errors.md.
 * The anchor rule (GitHub's) is proved on crafted headings first.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const kitDir = path.join(root, "lib/authz");

/** GitHub's anchor for a Markdown heading: lower-case, punctuation dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsIn(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) anchors.add(anchorOf(heading[1]!));
  }
  return anchors;
}

function kitFiles(dir = kitDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return kitFiles(full);
    return /\.(ts|tsx|mjs)$/.test(entry.name) ? [full] : [];
  });
}

describe("anchorOf", () => {
  it("follows GitHub's rule", () => {
    expect(anchorOf("Auth.js v5 cookies")).toBe("authjs-v5-cookies");
    expect(anchorOf("`authorize` in pages")).toBe("authorize-in-pages");
    expect(anchorOf("Which paths the matcher includes: what an early answer is worth")).toBe(
      "which-paths-the-matcher-includes-what-an-early-answer-is-worth",
    );
    expect([...anchorsIn("# A\n```\n# not a heading\n```\n## B c")]).toEqual(["a", "b-c"]);
  });
});

describe("the kit's comments and docs/", () => {
  const links = kitFiles().flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/@see (docs\/[\w./-]+\.md)(?:#([\w-]+))?/g)].map(
      (m) => ({ file: path.relative(root, file), doc: m[1]!, anchor: m[2] }),
    ),
  );

  it("send readers to docs/ from the modules whose explanations moved there", () => {
    expect(links.length).toBeGreaterThan(30);
  });

  it("every @see names a docs file and a heading in it", () => {
    const broken = links.filter(({ doc, anchor }) => {
      const file = path.join(root, doc);
      if (!existsSync(file)) return true;
      return anchor !== undefined && !anchorsIn(readFileSync(file, "utf8")).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it("no comment cites a document outside the repository", () => {
    const outside = kitFiles().filter((file) => /\bDESIGN\b/.test(readFileSync(file, "utf8")));
    expect(outside.map((file) => path.relative(root, file))).toEqual([]);
  });

  it("docs/configuration-errors.md lists every AuthzConfigError code", () => {
    const errors = readFileSync(path.join(kitDir, "errors.ts"), "utf8");
    const union = /export type AuthzConfigErrorCode =([^;]+);/.exec(errors)![1]!;
    const codes = [...union.matchAll(/"(\w+)"/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(10);
    const doc = readFileSync(path.join(root, "docs/configuration-errors.md"), "utf8");
    expect(codes.filter((code) => !doc.includes(`| \`${code}\``))).toEqual([]);
  });
});
