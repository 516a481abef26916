// The project on disk, as the entry-point tools read it: where the kit sits, JSON files, source
// modules by extension, and the one error that stops a tool with a clear line.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The tool cannot run (no build, a module it cannot read): one clear line, exit code 2. */
export class CannotRun extends Error {}

const SOURCE_EXTENSIONS = [".tsx", ".ts", ".jsx", ".js", ".mjs"];

/** The kit's folder: this tool lives in `<kit>/tools/`. */
export const KIT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A JSON file of the build, parsed; a file that cannot be read or parsed stops the tool. */
export function readJson(file, what) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CannotRun(`cannot read ${what} (${file}): ${error.code ?? error.message}`);
  }
}

/** The module at `base` with the first source extension that exists, or null. */
export function withExtension(base) {
  for (const ext of SOURCE_EXTENSIONS) if (existsSync(base + ext)) return base + ext;
  return null;
}
