/**
 * A newcomer's path, as the README writes it: a fresh `create-next-app` project (Next 16 and 15.5,
 * the CLI's own defaults), then the README's Install by copy (docs/install.md) and its five-step
 * quick start, block by block and command by command, ending with `authz:report` passing and
 * 401/403/200 over HTTP from the quick start's route.
 *
 * The figures the README quotes between its `<!-- newcomer -->` markers (steps, files written,
 * commands typed) are counted here from the same text, so they cannot drift from the steps.
 *
 * Mappings, each stated in the README or its install guide: packages an `npm install` line names
 * are linked from this repo's install (no network); `verifyUser` is the reader's own user lookup.
 * Files are written as the README shows them, replacing create-next-app's (its next.config.ts with
 * `cacheComponents` included: docs/pages-and-actions.md says what that option changes).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUILD_TIMEOUT_MS,
  linkNodeModules,
  makeProjectDir,
  nextBuild,
  nextStart,
  projectConfigLines,
  removeProjects,
  repo,
  START_TIMEOUT_MS,
  stopAll,
  writeFiles,
  type NextAppSpec,
} from "../support/next-project";
import {
  commandsUnder,
  envUnder,
  filesUnder,
  inProject,
  packagesInstalledBy,
  readReadme,
} from "../support/readme-steps";

const QUICK_START = "## Quick start in your project";
const INSTALL_BY_COPY = "## Install by copy";
const PASSWORD = "newcomer-password";
const SECRET = "newcomer-secret-0123456789abcdef0123456789abcdef";

const steps = readReadme();
const readme = readFileSync(path.join(repo, "README.md"), "utf8");

/** The files the newcomer writes, in the order they meet them: the install guide, then the steps. */
const writtenFiles = [...filesUnder(steps, INSTALL_BY_COPY), ...filesUnder(steps, QUICK_START)];
/** The commands they type: the install guide's, then the quick start's. */
const typedCommands = [
  ...commandsUnder(steps, INSTALL_BY_COPY),
  ...commandsUnder(steps, QUICK_START),
];
const quickStartSteps = [
  ...readme
    .slice(readme.indexOf(QUICK_START), readme.indexOf("\n## ", readme.indexOf(QUICK_START) + 1))
    .matchAll(/^\*\*(\d+)\. /gm),
].length;

/** What the README quotes: one line, between its markers. */
export function newcomerFigures(): string {
  // The reader's own files: .env.local (the secret) and the user lookup `verifyUser` stands for.
  const files = writtenFiles.length + 2;
  return (
    `From \`create-next-app\` to a passing report: ${quickStartSteps} steps after the install, ` +
    `${files} files written and ${typedCommands.length} commands typed, followed literally on ` +
    "Next 16 and 15.5 by `tests/integration/newcomer.test.ts`."
  );
}

const PROJECTS: (NextAppSpec & { readonly cli: string })[] = [
  {
    id: "next16",
    title: "create-next-app 16 (Next 16, Auth.js v5)",
    next: "next",
    nextAuth: "next-auth",
    authVersion: 5,
    src: false,
    cli: path.join(repo, "node_modules/create-next-app/dist/index.js"),
  },
  {
    id: "next15",
    title: "create-next-app 15.5 (Next 15.5, Auth.js v5)",
    next: "next-15",
    nextAuth: "next-auth",
    authVersion: 5,
    src: false,
    cli: path.join(repo, "tests/fixtures/next15/node_modules/create-next-app/dist/index.js"),
  },
];

describe("the README quotes the newcomer figures", () => {
  it("between its <!-- newcomer --> markers, as counted from its own steps", () => {
    const quoted = /<!-- newcomer -->\n([\s\S]*?)\n?<!-- \/newcomer -->/.exec(readme)?.[1]?.trim();
    expect(quoted).toBe(newcomerFigures());
  });

  it("has five steps, and every one the newcomer needs is written down", () => {
    expect(quickStartSteps).toBe(5);
    expect(writtenFiles.map((f) => f.target)).toEqual(
      expect.arrayContaining(["auth.ts", "lib/access.ts", "app/layout.tsx", "app/page.tsx"]),
    );
  });
});

/** create-next-app with its defaults (TypeScript, App Router, no src/), offline: no install, no git. */
function createNextApp(cli: string, dir: string): void {
  const run = spawnSync(
    process.execPath,
    [
      cli,
      "app",
      "--ts",
      "--app",
      "--no-tailwind",
      "--no-eslint",
      "--no-src-dir",
      "--import-alias",
      "@/*",
      "--use-npm",
      "--skip-install",
      "--disable-git",
      "--yes",
    ],
    { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "1", NEXT_TELEMETRY_DISABLED: "1" } },
  );
  if (run.status !== 0) throw new Error(`create-next-app failed:\n${run.stdout}\n${run.stderr}`);
}

/** The README's next.config.ts with what this project's symlinked node_modules need (no other change). */
function withLinkedModules(readmeConfig: string, p: NextAppSpec, dir: string): string {
  const opening = "const nextConfig: NextConfig = {\n";
  if (!readmeConfig.includes(opening))
    throw new Error(`the README's next.config.ts no longer has ${JSON.stringify(opening)}`);
  const lines = projectConfigLines(p, dir).map((line) => `  ${line}\n`);
  return readmeConfig.replace(opening, `${opening}${lines.join("")}`);
}

describe.each(PROJECTS)("a newcomer follows the README in $title", (p) => {
  let dir = "";
  let url = "";
  let serverOutput = () => "";
  let testing: {
    signInWithCredentials(base: string, email: string, password: string): Promise<string | null>;
  };
  const get = (pathname: string, cookie?: string) =>
    fetch(`${url}${pathname}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });

  beforeAll(async () => {
    const parent = makeProjectDir(`authz-newcomer-${p.id}-`);
    createNextApp(p.cli, parent);
    dir = path.join(parent, "app");
    // The template's packages are the repo's own install, linked (create-next-app ran offline).
    rmSync(path.join(dir, "node_modules"), { recursive: true, force: true });
    linkNodeModules(dir, p);

    for (const command of typedCommands) {
      if (packagesInstalledBy(command)) continue; // linked above
      if (command.startsWith("npm run build") || command.includes("report-node.mjs")) continue;
      const placed = inProject(command, repo, false);
      const run = spawnSync("sh", ["-c", placed], { cwd: dir, encoding: "utf8" });
      if (run.status !== 0) throw new Error(`README command failed: ${placed}\n${run.stderr}`);
    }
    const files: Record<string, string> = {};
    for (const f of writtenFiles)
      files[f.target] = f.target === "next.config.ts" ? withLinkedModules(f.code, p, dir) : f.code;
    files[".env.local"] = Object.entries(envUnder(steps, INSTALL_BY_COPY))
      .map(([name, value]) => `${name}=${name.endsWith("SECRET") ? SECRET : value}\n`)
      .join("");
    files["lib/users.ts"] = `const users = [
  { id: "user-alice", email: "alice@example.com", name: "Alice", role: "admin" },
  { id: "user-bob", email: "bob@example.com", name: "Bob", role: "member" },
];

export async function verifyUser(email?: string, password?: string) {
  const user = users.find((u) => u.email === email);
  return user && password === ${JSON.stringify(PASSWORD)} ? user : null;
}
`;
    writeFiles(dir, files);

    await nextBuild(dir, { ...p, secretInEnvFile: true }, "newcomer");
    ({ url, output: serverOutput } = await nextStart(dir, { ...p, secretInEnvFile: true }));
    testing = (await import(pathToFileURL(path.join(dir, "lib/authz/testing.ts")).href)) as {
      signInWithCredentials(base: string, email: string, password: string): Promise<string | null>;
    };
  }, BUILD_TIMEOUT_MS + START_TIMEOUT_MS);

  afterAll(async () => {
    await stopAll();
  });

  it("has the kit and every file the README names, and no template file left unguarded", () => {
    expect(existsSync(path.join(dir, "lib/authz/index.ts"))).toBe(true);
    for (const f of writtenFiles) expect(existsSync(path.join(dir, f.target)), f.target).toBe(true);
  });

  it("answers the quick start's route 401, 403 and 200 over HTTP", async () => {
    const anonymous = await get("/api/admin/reports");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Cookie /);

    const bob = await testing.signInWithCredentials(url, "bob@example.com", PASSWORD);
    expect(bob).not.toBeNull();
    const refused = await get("/api/admin/reports", bob ?? "");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: "Forbidden",
      message: "Requires admin role",
      code: "role_required",
    });

    const alice = await testing.signInWithCredentials(url, "alice@example.com", PASSWORD);
    const allowed = await get("/api/admin/reports", alice ?? "");
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ reports: [], requestedBy: "user-alice" });
  });

  it("guards the quick start's page: sign-in redirect, the 403 page, then 200", async () => {
    const anonymous = await get("/admin");
    expect([303, 307]).toContain(anonymous.status);
    expect(anonymous.headers.get("location")).toMatch(/callbackUrl=%2Fadmin/);
    const bob = await testing.signInWithCredentials(url, "bob@example.com", PASSWORD);
    expect((await get("/admin", bob ?? "")).status).toBe(403);
    const alice = await testing.signInWithCredentials(url, "alice@example.com", PASSWORD);
    expect((await get("/admin", alice ?? "")).status).toBe(200);
    expect(serverOutput()).not.toMatch(/Error:/);
  });
  // Last: the report takes seconds, and a keep-alive socket of the server idle that long may be
  // closing under the next request.
  it("passes authz:report: every entry point guarded or public with a reason", () => {
    const report = spawnSync(
      process.execPath,
      [path.join(dir, "lib/authz/tools/report-node.mjs"), "--json"],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      },
    );
    expect(report.status, report.stderr + report.stdout).toBe(0);
    const listed = JSON.parse(report.stdout) as {
      entries: { kind: string; path: string; policy?: string; public?: string }[];
      unguarded: unknown[];
    };
    expect(listed.unguarded).toEqual([]);
    expect(listed.entries.find((e) => e.path === "/api/admin/reports")).toMatchObject({
      policy: "admin",
    });
    expect(listed.entries.find((e) => e.kind === "page" && e.path === "/")?.public).toMatch(
      /landing page/,
    );
  });
});

afterAll(async () => {
  await removeProjects(process.env.KEEP_NEWCOMER_PROJECTS === "1");
});
