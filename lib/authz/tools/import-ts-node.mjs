// Imports the app's TypeScript modules from a plain Node tool (see ts-hooks-node.mjs).
import { register } from "node:module";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

let registered = false;

/** The project's `typescript` package, resolved from the project (the tools bring none). */
export function loadTypeScriptPath(projectDir) {
  const require = createRequire(path.join(projectDir, "package.json"));
  return require.resolve("typescript");
}

/** The tsconfig `paths` of the project as prefix → folders, for the `@/` style aliases. */
export function tsconfigAliases(ts, projectDir) {
  const file = ts.findConfigFile(projectDir, ts.sys.fileExists, "tsconfig.json");
  if (!file) return [];
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const paths = config?.compilerOptions?.paths ?? {};
  const base = path.resolve(path.dirname(file), config?.compilerOptions?.baseUrl ?? ".");
  return Object.entries(paths).map(([pattern, targets]) => ({
    prefix: pattern.replace(/\*$/, ""),
    targets: targets.map((t) => path.relative(projectDir, path.join(base, t.replace(/\*$/, "")))),
  }));
}

/**
 * Imports a TypeScript (or JavaScript) module of the project by its path relative to the project.
 *
 * @example
 * const { policies } = await importProjectModule(ts, projectDir, "lib/access.ts");
 */
export async function importProjectModule(ts, projectDir, file) {
  if (!registered) {
    register(new URL("./ts-hooks-node.mjs", import.meta.url), {
      data: {
        projectDir,
        aliases: tsconfigAliases(ts, projectDir),
        typescript: loadTypeScriptPath(projectDir),
      },
    });
    registered = true;
  }
  return import(pathToFileURL(path.resolve(projectDir, file)).href);
}
