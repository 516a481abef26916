#!/usr/bin/env node
// The README's code examples are files in docs/examples/ that the type checker compiles. This keeps
// the two in step: `node scripts/readme-examples.mjs` rewrites each block after an
// `<!-- example: path -->` marker from its file; tests/unit/readme.test.ts fails when they differ.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
// Prettier puts a blank line between the marker and its block; both forms are read.
const MARKER = /<!-- example: (\S+) -->\n\n?```(\w+)\n([\s\S]*?)\n```/g;

/** Every example block of a README text: the file it names and the code the README shows. */
export function exampleBlocks(readme) {
  return [...readme.matchAll(MARKER)].map((m) => ({ file: m[1], lang: m[2], code: m[3] }));
}

/** The README text with every example block replaced by its file's current content. */
export function withExamplesFromFiles(readme) {
  return readme.replace(MARKER, (_all, file, lang) => {
    const code = readFileSync(path.join(root, file), "utf8").trimEnd();
    return `<!-- example: ${file} -->\n\n\`\`\`${lang}\n${code}\n\`\`\``;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = path.join(root, "README.md");
  const before = readFileSync(file, "utf8");
  const after = withExamplesFromFiles(before);
  if (after !== before) writeFileSync(file, after);
  console.log(
    after === before
      ? "README examples already in step"
      : "README examples updated from docs/examples/",
  );
}
