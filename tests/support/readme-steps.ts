/**
 * The README's copy-in steps, read from README.md as a user reads them: the files it tells them to
 * write (fenced blocks whose first line names a path), the shell commands it tells them to run and
 * the `.env.local` lines it tells them to set. The copy-into-project test applies them to fresh
 * projects, so a README step that does not work as written fails there.
 *
 * The only mappings are the ones the README states itself: a `src/` layout puts every named file
 * under `src/` except the root's config files, and `middleware.ts` may be `proxy.ts`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export interface FencedBlock {
  readonly lang: string;
  /** The block's text, its list indentation removed. */
  readonly code: string;
}

/** A file the README tells the user to write: the path its first line names, and its text. */
export interface ReadmeFile {
  readonly target: string;
  readonly code: string;
}

export const README_PATH = path.resolve(__dirname, "../../README.md");

/**
 * The guides the README's quick start sends a reader to for the rest of the steps: installing by
 * copy (with NextAuth v4), early answers in middleware.ts, and the route coverage test.
 */
export const STEP_GUIDES = ["docs/install.md", "docs/middleware.md", "docs/testing.md"] as const;

/** The README followed by the guides its steps link to, as one text a reader goes through. */
export function readReadme(): string {
  const root = path.dirname(README_PATH);
  return [README_PATH, ...STEP_GUIDES.map((g) => path.join(root, g))]
    .map((file) => readFileSync(file, "utf8"))
    .join("\n");
}

const FENCE = /^(\s*)```(\w*)\s*$/;
const HEADING = /^(#{1,6}) /;

/** Splits a Markdown text into prose lines and fenced blocks, in order. */
function parse(markdown: string): ({ heading: string; level: number } | FencedBlock | string)[] {
  const out: ({ heading: string; level: number } | FencedBlock | string)[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open) {
      const indent = open[1]!.length;
      const body: string[] = [];
      for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++)
        body.push(lines[i]!.slice(Math.min(indent, lines[i]!.search(/\S|$/))));
      out.push({ lang: open[2]!, code: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(lines[i]!);
    out.push(heading ? { heading: lines[i]!, level: heading[1]!.length } : lines[i]!);
  }
  return out;
}

/**
 * The fenced blocks under one heading (its exact line, e.g. `## Install by copy`), up to the next
 * heading of any level: a subsection is a section of its own.
 */
export function blocksUnder(markdown: string, heading: string): FencedBlock[] {
  const parts = parse(markdown);
  const start = parts.findIndex(
    (p) => typeof p === "object" && "heading" in p && p.heading === heading,
  );
  if (start < 0) throw new Error(`README has no heading ${JSON.stringify(heading)}`);
  const blocks: FencedBlock[] = [];
  for (const part of parts.slice(start + 1)) {
    if (typeof part === "object" && "heading" in part) break;
    if (typeof part === "object") blocks.push(part);
  }
  return blocks;
}

// `// lib/access.ts: ...`, `// middleware.ts (Edge) or ...`, `# .env.local`: a path with an extension.
const NAMED_FILE = /^(?:\/\/|#) ((?:[\w.@[\]-]+\/)*[\w@[\]-]*\.[\w.]+?)(?=[\s:]|$)/;

/** The path a block's first line names, if it names one. */
export function namedPath(block: FencedBlock): string | undefined {
  const first = block.code.split("\n", 1)[0] ?? "";
  return NAMED_FILE.exec(first)?.[1];
}

/**
 * The files a section tells the user to write: every block whose first line names a path. A block
 * that declares stand-ins for the reader's own code (`declare const db`) shows a pattern, not a
 * file, and is left out.
 */
export function filesUnder(markdown: string, heading: string): ReadmeFile[] {
  return blocksUnder(markdown, heading).flatMap((block) => {
    const target = namedPath(block);
    if (target === undefined || target === ".env.local" || /^declare /m.test(block.code)) return [];
    return [{ target, code: `${block.code}\n` }];
  });
}

/** The `NAME=value` lines of a section's `.env.local` block. */
export function envUnder(markdown: string, heading: string): Record<string, string> {
  const block = blocksUnder(markdown, heading).find((b) => namedPath(b) === ".env.local");
  if (!block) throw new Error(`README's ${heading} has no .env.local block`);
  return Object.fromEntries(
    block.code
      .split("\n")
      .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
}

/** The command lines of a section's `sh` blocks, without comments and without `.env.local` blocks. */
export function commandsUnder(markdown: string, heading: string): string[] {
  return blocksUnder(markdown, heading)
    .filter((b) => b.lang === "sh" && namedPath(b) === undefined)
    .flatMap((b) => b.code.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/**
 * The packages an `npm install` line of the README installs (`next-auth@5.0.0-beta.32 zod` →
 * `["next-auth", "zod"]`), or null for any other command. The tests link these from the repo's own
 * install instead of downloading them: the one mapping between a typed command and what runs.
 */
export function packagesInstalledBy(command: string): string[] | null {
  const words = command.split(/\s+/);
  if (words[0] !== "npm" || (words[1] !== "install" && words[1] !== "i")) return null;
  return words
    .slice(2)
    .filter((w) => !w.startsWith("-"))
    .map((w) => w.replace(/(?<=.)@[^@/]*$/, ""));
}

/** The files that stay at the project's root in a src/ layout, as the README says. */
const ROOT_FILES = new Set(["next.config.ts", "vitest.config.mts", ".env.local"]);

/** Where a file the README names lands: under `src/` in a src/ layout, as the README says. */
export function inLayout(target: string, src: boolean): string {
  return src && !ROOT_FILES.has(target) ? `src/${target}` : target;
}

/**
 * A README command with its paths placed: the clone (`next-authz-kit/`) at `clone`, and every
 * project path (a word that is `lib` or starts with `lib/`) under `src/` in a src/ layout.
 */
export function inProject(command: string, clone: string, src: boolean): string {
  return command
    .split(/\s+/)
    .map((word) =>
      word.startsWith("next-authz-kit/")
        ? path.join(clone, word.slice("next-authz-kit/".length))
        : src && (word === "lib" || word.startsWith("lib/"))
          ? `src/${word}`
          : word,
    )
    .join(" ");
}
