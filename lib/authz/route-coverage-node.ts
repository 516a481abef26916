/**
 * Route coverage for your own test suite: every HTTP method a `route.ts` under your `app/` exports
 * is guarded or marked public, checked at run time (`guardOf`) and in the source. Node only (it
 * reads the file system): import it from a test, never from app code.
 *
 * @see docs/testing.md#route-coverage
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { guardOf, type GuardMark } from "./entry/route";

/** The methods Next calls on a route module. */
export const ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** One exported method of one route file, and how it is guarded (null: not at all). */
export interface RouteCoverageEntry {
  /** The route file, relative to the `app/` folder given (forward slashes). */
  readonly file: string;
  readonly method: (typeof ROUTE_METHODS)[number];
  readonly guard: GuardMark | null;
}

/** A method that is neither wrapped nor public, or a file that could not be checked. */
export interface RouteCoverageProblem {
  readonly file: string;
  readonly method?: string;
  readonly problem: string;
}

/** What `routeCoverage` found. */
export interface RouteCoverage {
  readonly files: readonly string[];
  readonly entries: readonly RouteCoverageEntry[];
  readonly problems: readonly RouteCoverageProblem[];
}

/**
 * Imports one route module by its file URL. Pass `(file) => import(file)` from your test
 * file, so your runner (Vitest compiles TypeScript and resolves your `@/` paths) loads it.
 */
export type ImportRouteModule = (file: string) => Promise<Record<string, unknown>>;

function routeFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") found.push(...routeFiles(path));
    } else if (/^route\.(ts|tsx|js|mjs|jsx)$/.test(entry.name)) {
      found.push(path);
    }
  }
  return found.sort();
}

/**
 * Method handlers a source declares in a form that cannot carry a guard mark.
 *
 * @example
 * unguardedDeclarations("export async function GET() {}"); // ["GET"]
 */
export function unguardedDeclarations(source: string): string[] {
  const methods = ROUTE_METHODS.join("|");
  const patterns = [
    // export async function GET(...) / export function POST(...)
    new RegExp(String.raw`export\s+(?:async\s+)?function\s*\*?\s*(${methods})\b`, "g"),
    // export const GET = async (...) => / = (req) => / = async req => / = function ...
    new RegExp(
      String.raw`export\s+(?:const|let|var)\s+(${methods})\s*(?::[^=]+)?=\s*(?:async\b\s*)?(?:\([^)]*\)\s*(?::[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>|function\b)`,
      "g",
    ),
  ];
  const found: string[] = [];
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/**
 * Finds every route file under `appDir` and how each exported method is guarded. An empty `app/`
 * is a problem too (a wrong folder must not pass as "nothing unguarded").
 *
 * @example
 * const { problems } = await routeCoverage(path.resolve("app"), (file) => import(file));
 */
export async function routeCoverage(
  appDir: string,
  importModule: ImportRouteModule,
): Promise<RouteCoverage> {
  const load = (file: string) => importModule(pathToFileURL(file).href);
  const absolute = routeFiles(appDir);
  const files = absolute.map((f) => relative(appDir, f).split("\\").join("/"));
  const entries: RouteCoverageEntry[] = [];
  const problems: RouteCoverageProblem[] = [];
  if (files.length === 0)
    problems.push({ file: appDir, problem: "no route files found: is this your app/ folder?" });

  for (const [i, path] of absolute.entries()) {
    const file = files[i]!;
    for (const method of unguardedDeclarations(readFileSync(path, "utf8"))) {
      problems.push({
        file,
        method,
        problem: "declared as a plain function: it cannot be guarded",
      });
    }
    let mod: Record<string, unknown>;
    try {
      mod = await load(path);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      problems.push({ file, problem: `could not be imported: ${why}` });
      continue;
    }
    const exported = ROUTE_METHODS.filter((m) => m in mod);
    if (exported.length === 0) problems.push({ file, problem: "exports no HTTP method" });
    for (const method of exported) {
      const guard = guardOf(mod[method]);
      entries.push({ file, method, guard });
      if (guard === null)
        problems.push({
          file,
          method,
          problem: "neither wrapped by withAuthorization nor marked publicRoute(reason)",
        });
    }
  }
  return { files, entries, problems };
}

/**
 * Throws one readable error listing every unguarded route method under `appDir`; returns the
 * coverage when there is none.
 *
 * @example
 * const coverage = await expectRouteCoverage(path.resolve(__dirname, "../app"), (f) => import(f));
 * @see docs/testing.md#route-coverage
 */
export async function expectRouteCoverage(
  appDir: string,
  importModule: ImportRouteModule,
): Promise<RouteCoverage> {
  const coverage = await routeCoverage(appDir, importModule);
  if (coverage.problems.length > 0) {
    const lines = coverage.problems.map(
      (p) => `  ${p.file}${p.method ? ` ${p.method}` : ""}: ${p.problem}`,
    );
    throw new Error(`Unguarded route handlers under ${appDir}:\n${lines.join("\n")}`);
  }
  return coverage;
}
