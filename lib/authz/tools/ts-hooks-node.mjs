// Module hooks (node:module `register`) that let the entry-point tools import the app's own
// TypeScript (its policies, its demo users, the kit's testing.ts) in plain Node: `.ts`/`.tsx` files
// are transpiled with the project's `typescript` (no type check), extensionless relative imports and
// the tsconfig `paths` aliases (`@/lib/...`) resolve like the bundler resolves them. Dev-time only.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

let ts;
let aliases = [];
let projectDir = process.cwd();

/** `initialize` receives the project folder and its tsconfig `paths`, resolved once by the tool. */
export async function initialize(data) {
  projectDir = data.projectDir;
  aliases = data.aliases;
  ts = (await import(pathToFileURL(data.typescript).href)).default;
}

const EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts", "/index.tsx", "/index.js"];

function fileFor(candidate) {
  if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  for (const ext of EXTENSIONS) if (existsSync(candidate + ext)) return candidate + ext;
  return null;
}

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL?.startsWith("file:") ? fileURLToPath(context.parentURL) : null;
  let candidate = null;
  for (const { prefix, targets } of aliases) {
    if (specifier === prefix.replace(/\/$/, "") || specifier.startsWith(prefix)) {
      for (const target of targets) {
        const found = fileFor(path.join(projectDir, target, specifier.slice(prefix.length)));
        if (found) {
          candidate = found;
          break;
        }
      }
    }
    if (candidate) break;
  }
  if (!candidate && parent && (specifier.startsWith("./") || specifier.startsWith("../"))) {
    const resolved = path.resolve(path.dirname(parent), specifier);
    if (/\.[cm]?[jt]sx?$/.test(resolved) && existsSync(resolved)) candidate = resolved;
    else candidate = fileFor(resolved);
  }
  if (candidate) return { url: pathToFileURL(candidate).href, shortCircuit: true };
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    // Packages without an `exports` map (`next/server`) resolve by CommonJS rules in a bundler.
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !parent) throw error;
    const found = createRequire(parent).resolve(specifier);
    return { url: pathToFileURL(found).href, shortCircuit: true };
  }
}

export async function load(url, context, nextLoad) {
  if (!/\.(ts|tsx|mts)$/.test(url) || !url.startsWith("file:")) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const output = ts.transpileModule(readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      jsx: ts.JsxEmit.ReactJSX,
      verbatimModuleSyntax: false,
      sourceMap: false,
    },
  });
  return { format: "module", source: output.outputText, shortCircuit: true };
}
