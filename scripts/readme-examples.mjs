#!/usr/bin/env node
// The code examples of the README and the guides in docs/ are files in docs/examples/ (and the
// registry's project files) that the type checker compiles. This keeps the two in step:
// `node scripts/readme-examples.mjs` rewrites each block after an `<!-- example: path -->` marker
// from its file; tests/unit/readme.test.ts fails when they differ.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
// Prettier puts a blank line between the marker and its block; both forms are read.
const MARKER = /<!-- example: (\S+) -->\n\n?```(\w+)\n([\s\S]*?)\n?```/g;

/** The Markdown files that embed examples: the README and every guide in docs/. */
export function exampleDocuments() {
  const guides = readdirSync(path.join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
  return ["README.md", ...guides];
}

/** Every example block of a Markdown text: the file it names and the code the text shows. */
export function exampleBlocks(markdown) {
  return [...markdown.matchAll(MARKER)].map((m) => ({ file: m[1], lang: m[2], code: m[3] }));
}

/** The text with every example block replaced by its file's current content. */
export function withExamplesFromFiles(markdown) {
  return markdown.replace(MARKER, (_all, file, lang) => {
    const code = readFileSync(path.join(root, file), "utf8").trimEnd();
    return `<!-- example: ${file} -->\n\n\`\`\`${lang}\n${code}\n\`\`\``;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const changed = [];
  for (const document of exampleDocuments()) {
    const file = path.join(root, document);
    const before = readFileSync(file, "utf8");
    const after = withExamplesFromFiles(before);
    if (after !== before) {
      writeFileSync(file, after);
      changed.push(document);
    }
  }
  console.log(
    changed.length === 0
      ? "examples already in step"
      : `examples updated from their files in ${changed.join(", ")}`,
  );
}
