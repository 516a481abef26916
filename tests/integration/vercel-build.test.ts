/**
 * The demo builds as Vercel builds it: the real `vercel build` (CLI pinned in package.json, Build
 * Output API v3) runs on a copy of the demo, offline, with a hand-written `.vercel/project.json`
 * instead of `vercel pull` (no account, no token, no network). Then its output must have
 * - `functions/middleware.func` on the Edge runtime, with its entry file, and the routes of
 *   middleware.ts's `config.matcher` sent through it;
 * - every route handler and page of `app/` as a Node.js function (`nodejs<N>.x`).
 * What it cannot prove is the deployment itself (that needs Vercel's servers): see docs/deploy.md.
 * About 2-3 minutes on two cores, most of it `next build` inside `vercel build`.
 * Select it alone with `npx vitest run tests/integration/vercel-build.test.ts`; KEEP_VERCEL_BUILD=1
 * keeps the folder (with vercel-build.log and .vercel/output) for a look.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProjectDir, removeProjects, repo } from "../support/next-project";

const VERCEL_BUILD_TIMEOUT_MS = 10 * 60_000;
// Not part of what Vercel uploads for the build (or produced by a build).
const NOT_COPIED = new Set([
  ".git",
  ".next",
  ".tmp",
  ".vercel",
  "node_modules",
  "tests",
  "bench",
  "bench-results",
  "docs",
  "test-results",
  "playwright-report",
  "coverage",
]);

let dir = "";
let output = "";
let build: { status: number | null; log: string } = { status: null, log: "" };

/** Every URL path `app/` serves through a route handler or a page, from the source tree. */
function appPaths(appDir: string, prefix = ""): { path: string; kind: "route" | "page" }[] {
  const found: { path: string; kind: "route" | "page" }[] = [];
  for (const entry of readdirSync(appDir)) {
    const full = path.join(appDir, entry);
    if (statSync(full).isDirectory()) {
      if (entry.startsWith("_")) continue; // private folders serve nothing
      const segment = entry.startsWith("(") ? "" : `/${entry}`; // route groups add no segment
      found.push(...appPaths(full, prefix + segment));
    } else {
      const match = /^(route|page)\.(ts|tsx|js|jsx)$/.exec(entry);
      if (match) found.push({ path: prefix || "/", kind: match[1] as "route" | "page" });
    }
  }
  return found;
}

function vcConfig(funcDir: string): { runtime?: string; entrypoint?: string; handler?: string } {
  return JSON.parse(readFileSync(path.join(realpathSync(funcDir), ".vc-config.json"), "utf8"));
}

beforeAll(() => {
  dir = makeProjectDir("next-authz-kit-vercel-");
  for (const entry of readdirSync(repo)) {
    if (NOT_COPIED.has(entry)) continue;
    cpSync(path.join(repo, entry), path.join(dir, entry), { recursive: true });
  }
  symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
  // What `vercel link`/`vercel pull` would write; the ids are placeholders, never sent anywhere.
  mkdirSync(path.join(dir, ".vercel"));
  writeFileSync(
    path.join(dir, ".vercel/project.json"),
    JSON.stringify({
      projectId: "prj_offline_build",
      orgId: "team_offline_build",
      settings: { framework: "nextjs" },
    }),
  );
  const run = spawnSync(
    process.execPath,
    [path.join(repo, "node_modules/vercel/dist/vc.js"), "build", "--yes"],
    {
      cwd: dir,
      encoding: "utf8",
      timeout: VERCEL_BUILD_TIMEOUT_MS,
      env: {
        ...process.env,
        // The demo's build refuses to run without a secret (a deployment sets it in the project).
        AUTH_SECRET: "vercel-build-test-secret-0123456789abcdef0123",
        NEXT_TELEMETRY_DISABLED: "1",
        VERCEL_TELEMETRY_DISABLED: "1",
        // A Vercel token in the environment would make the CLI talk to the API: none here.
        VERCEL_TOKEN: "",
      },
    },
  );
  build = { status: run.status, log: `${run.stdout}\n${run.stderr}` };
  writeFileSync(path.join(dir, "vercel-build.log"), build.log);
  output = path.join(dir, ".vercel/output");
}, VERCEL_BUILD_TIMEOUT_MS + 30_000);

// The output holds traced copies of node_modules: removing it takes a while on a busy machine.
afterAll(() => removeProjects(process.env.KEEP_VERCEL_BUILD === "1"), 5 * 60_000);

describe("vercel build (Build Output API) of the demo, offline", () => {
  it("completes and writes .vercel/output/config.json (version 3)", () => {
    expect(build.status, build.log.slice(-3000)).toBe(0);
    const config = JSON.parse(readFileSync(path.join(output, "config.json"), "utf8"));
    expect(config.version).toBe(3);
  });

  it("puts middleware.ts in an Edge function and sends its matcher's paths through it", () => {
    const func = path.join(output, "functions/middleware.func");
    const config = vcConfig(func);
    expect(config.runtime).toBe("edge");
    expect(config.entrypoint).toBeTruthy();
    expect(existsSync(path.join(realpathSync(func), config.entrypoint!))).toBe(true);

    const routes: { middlewarePath?: string; middlewareRawSrc?: string[] }[] = JSON.parse(
      readFileSync(path.join(output, "config.json"), "utf8"),
    ).routes;
    const through = routes
      .filter((r) => r.middlewarePath === "middleware")
      .flatMap((r) => r.middlewareRawSrc ?? []);
    // The matcher as middleware.ts writes it, read from the source rather than repeated here.
    const source = readFileSync(path.join(repo, "middleware.ts"), "utf8");
    const block = /matcher:\s*\[([^\]]*)\]/.exec(source)?.[1] ?? "";
    const matcher = [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(matcher.length).toBeGreaterThan(0);
    expect(through.sort()).toEqual(matcher.sort());
  });

  it("serves every route handler and page of app/ from a Node.js function", () => {
    const served = appPaths(path.join(repo, "app"));
    expect(served.filter((s) => s.kind === "route").length).toBeGreaterThan(5);
    expect(served.filter((s) => s.kind === "page").length).toBeGreaterThan(3);
    const runtimes = served.map(({ path: url, kind }) => {
      const func = path.join(output, "functions", `${url === "/" ? "/index" : url}.func`);
      return {
        kind,
        url,
        runtime: existsSync(func) ? (vcConfig(func).runtime ?? "none") : "missing",
      };
    });
    for (const r of runtimes) expect(r.runtime, `${r.kind} ${r.url}`).toMatch(/^nodejs\d+\.x$/);
  });
});
