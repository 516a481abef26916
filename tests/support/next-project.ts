/**
 * Fresh, minimal Next projects in a temporary folder, built with `next build` and served with
 * `next start`: what the copy-into-project and registry-install tests put the kit into.
 *
 * A project's node_modules are made from this repo's (no install, no network): symlinks to the
 * repo's packages for Next 16, to the fixture's (tests/fixtures/next15) for Next 15.5. Symlinks out
 * of the project need `turbopack.root` in next.config (a real install does not).
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { freePort } from "./next-server";

export const repo = path.resolve(__dirname, "../..");
/** The secret the projects' Auth.js signs sessions with (tests only). */
export const APP_SECRET = "copy-project-secret-0123456789abcdef0123456789";
/** The password of the projects' two Credentials users. */
export const APP_PASSWORD = "copy-test-password";
export const BUILD_TIMEOUT_MS = 5 * 60_000;
export const START_TIMEOUT_MS = 60_000;

export interface NextAppSpec {
  readonly id: string;
  readonly title: string;
  /** The repo's package the project's `next` links to. */
  readonly next: "next" | "next-15";
  /** The repo's package the project's `next-auth` links to. */
  readonly nextAuth: "next-auth" | "next-auth-v4";
  readonly authVersion: 4 | 5;
  /** A `src/` layout: app, middleware.ts and lib under src/. */
  readonly src: boolean;
  /** The app's `basePath` (next.config's, and Auth.js's under it), e.g. "/base". */
  readonly basePath?: string;
  /** The secret is in the project's `.env.local` (as the README says): builds and runs don't pass it. */
  readonly secretInEnvFile?: boolean;
}

/**
 * Next 15.5 lives in its own install (tests/fixtures/next15), not beside Next 16 in the repo: two
 * packages with a `next` bin in one node_modules would leave `npm run dev` on whichever npm linked
 * last. `npm test` installs the fixture when it is missing.
 */
const next15Modules = path.join(repo, "tests/fixtures/next15/node_modules");

export function requireNext15Fixture(): void {
  if (!existsSync(path.join(next15Modules, "next", "package.json"))) {
    throw new Error(
      "Next 15.5 fixture missing: run `npm ci --prefix tests/fixtures/next15` (npm test does it for you).",
    );
  }
}

const packageDir = (pkg: string): string => {
  if (pkg !== "next-15") return path.join(repo, "node_modules", pkg);
  requireNext15Fixture();
  return path.join(next15Modules, "next");
};

/** The installed version of one of the repo's packages (`next-15`: the fixture's Next). */
export const versionOf = (pkg: string): string =>
  (
    JSON.parse(readFileSync(path.join(packageDir(pkg), "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

/** The deepest folder holding both paths (`/` for /tmp/x and /work/main). */
export function commonAncestor(a: string, b: string): string {
  const as = path.resolve(a).split(path.sep);
  const bs = path.resolve(b).split(path.sep);
  let i = 0;
  while (i < as.length && i < bs.length && as[i] === bs[i]) i++;
  return as.slice(0, i).join(path.sep) || path.sep;
}

/**
 * The NextConfig properties (as source lines) every project has whatever else its config says:
 * its basePath, and what its symlinked node_modules need.
 */
export function projectConfigLines(p: NextAppSpec, dir: string): string[] {
  // Only because this project's node_modules are symlinks out of it (a real install needs neither):
  // Turbopack compiles nothing outside its root ("Could not find the Next.js package"), and the
  // output file tracing root should be the same folder.
  const root = commonAncestor(dir, repo);
  return [
    "poweredByHeader: false,",
    `turbopack: { root: ${JSON.stringify(root)} },`,
    `outputFileTracingRoot: ${JSON.stringify(root)},`,
    ...(p.basePath ? [`basePath: ${JSON.stringify(p.basePath)},`] : []),
  ];
}

/**
 * What every project has before the kit arrives: package.json, create-next-app's tsconfig, a
 * next.config, an Auth.js v5 (or NextAuth v4) Credentials setup with two users (alice the admin,
 * bob a member, password APP_PASSWORD) and its route handler.
 */
export function nextAppFiles(
  p: NextAppSpec,
  dir: string,
  options: {
    readonly name: string;
    /** More of the repo's packages to list in package.json (linked by linkNodeModules' `extra`). */
    readonly dependencies?: readonly string[];
    /** The same, as devDependencies. */
    readonly devDependencies?: readonly string[];
    /** More NextConfig properties, as source (e.g. `experimental: { authInterrupts: true },`). */
    readonly nextConfig?: string;
    /** Write the Auth.js (or NextAuth v4) setup and its route handler (default true). */
    readonly auth?: boolean;
  },
): Record<string, string> {
  const src = p.src ? "src/" : "";
  const v4 = p.authVersion === 4;
  const files: Record<string, string> = {};

  const dependencies: Record<string, string> = {
    next: versionOf(p.next),
    "next-auth": versionOf(p.nextAuth),
    react: versionOf("react"),
    "react-dom": versionOf("react-dom"),
    zod: versionOf("zod"),
  };
  for (const pkg of options.dependencies ?? []) dependencies[pkg] = versionOf(pkg);
  files["package.json"] = JSON.stringify(
    {
      name: options.name,
      version: "0.0.0",
      private: true,
      scripts: { build: "next build", start: "next start" },
      dependencies,
      devDependencies: {
        typescript: versionOf("typescript"),
        "@types/node": versionOf("@types/node"),
        "@types/react": versionOf("@types/react"),
        "@types/react-dom": versionOf("@types/react-dom"),
        ...Object.fromEntries((options.devDependencies ?? []).map((pkg) => [pkg, versionOf(pkg)])),
      },
    },
    null,
    2,
  );

  // create-next-app's tsconfig (strict, bundler resolution, `@/*` alias), not this repo's stricter one:
  // the kit must compile under what users have.
  files["tsconfig.json"] = JSON.stringify(
    {
      compilerOptions: {
        target: "ES2017",
        lib: ["dom", "dom.iterable", "esnext"],
        allowJs: true,
        skipLibCheck: true,
        strict: true,
        noEmit: true,
        esModuleInterop: true,
        module: "esnext",
        moduleResolution: "bundler",
        resolveJsonModule: true,
        isolatedModules: true,
        jsx: "preserve",
        incremental: true,
        plugins: [{ name: "next" }],
        paths: { "@/*": [`./${src}*`] },
      },
      include: ["next-env.d.ts", "**/*.ts", "**/*.tsx", ".next/types/**/*.ts"],
      exclude: ["node_modules"],
    },
    null,
    2,
  );

  files["next.config.ts"] = `import type { NextConfig } from "next";

const nextConfig: NextConfig = {
${[...projectConfigLines(p, dir), ...(options.nextConfig ? [options.nextConfig] : [])].map((l) => `  ${l}\n`).join("")}};

export default nextConfig;
`;
  if (options.auth === false) return files;

  // Two users: a member (403 on the admin route) and an admin (200).
  const users = `const users = [
  { id: "user-alice", email: "alice@example.com", name: "Alice", role: "admin" },
  { id: "user-bob", email: "bob@example.com", name: "Bob", role: "member" },
];
const PASSWORD = ${JSON.stringify(APP_PASSWORD)};`;
  // The Credentials provider's fields and the jwt callback, the same for v4 and v5.
  const credentials = `      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const user = users.find((u) => u.email === credentials?.email);
        return user && credentials?.password === PASSWORD ? { id: user.id, email: user.email, name: user.name } : null;
      },`;
  const callbacks = `  callbacks: {
    // The kit reads \`sub\` and \`role\` from the session token.
    jwt({ token, user }) {
      if (user) token.role = users.find((u) => u.id === user.id)?.role;
      return token;
    },
  },`;

  if (v4) {
    files[`${src}auth.ts`] = `import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

${users}

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: "jwt" },
  providers: [
    CredentialsProvider({
      name: "Credentials",
${credentials}
    }),
  ],
${callbacks}
};
`;
    files[`${src}app/api/auth/[...nextauth]/route.ts`] = `import NextAuth from "next-auth";
import { authOptions } from "@/auth";

// NextAuth v4's App Router handler (next-auth >= 4.22).
const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
`;
  } else {
    files[`${src}auth.ts`] = `import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";

${users}

export const { handlers, auth } = NextAuth({
  session: { strategy: "jwt" },
  trustHost: true,
  providers: [
    Credentials({
${credentials}
    }),
  ],
${callbacks}
});
`;
    files[`${src}app/api/auth/[...nextauth]/route.ts`] = `import { handlers } from "@/auth";

export const { GET, POST } = handlers;
`;
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Making, building, starting and removing a project.

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** A new, empty project folder under the system's temporary folder, removed by removeProjects. */
export function makeProjectDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

function link(target: string, at: string): void {
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(target, at, "dir");
}

/**
 * The project's node_modules, made of symlinks to real installs under the names a user has. A
 * symlinked package resolves its own imports from where it really lives, so Next and next-auth
 * come from the same install: the repo's for Next 16, the fixture's for Next 15.5 (where next-auth
 * must see Next 15's `next/server`, not Next 16's). `extra`: more of the repo's packages.
 */
export function linkNodeModules(dir: string, p: NextAppSpec, extra: readonly string[] = []): void {
  const nm = path.join(dir, "node_modules");
  const repoNm = path.join(repo, "node_modules");
  for (const pkg of ["zod", "typescript", "@types/node", "@types/react", "@types/react-dom"]) {
    link(path.join(repoNm, pkg), path.join(nm, pkg));
  }
  for (const pkg of extra) link(path.join(repoNm, pkg), path.join(nm, pkg));
  if (p.next === "next") {
    for (const pkg of ["next", "react", "react-dom"])
      link(path.join(repoNm, pkg), path.join(nm, pkg));
    link(path.join(repoNm, p.nextAuth), path.join(nm, "next-auth"));
  } else {
    requireNext15Fixture();
    for (const pkg of ["next", "react", "react-dom"])
      link(path.join(next15Modules, pkg), path.join(nm, pkg));
    if (p.nextAuth === "next-auth") {
      link(path.join(next15Modules, "next-auth"), path.join(nm, "next-auth"));
    } else {
      // NextAuth v4 on Next 15.5: a copy, not a link, so that its `next/server` and `next/headers`
      // resolve from this project (Next 15.5), not from the repo's Next 16 beside the real folder.
      // Its own dependencies are linked from the repo (nested ones travel with the copy).
      const v4 = path.join(repoNm, "next-auth-v4");
      cpSync(v4, path.join(nm, "next-auth"), { recursive: true, dereference: true });
      const { dependencies = {} } = JSON.parse(
        readFileSync(path.join(v4, "package.json"), "utf8"),
      ) as { dependencies?: Record<string, string> };
      for (const dep of Object.keys(dependencies)) {
        if (!existsSync(path.join(v4, "node_modules", dep)))
          link(path.join(repoNm, dep), path.join(nm, dep));
      }
    }
  }
}

/** Removes a project folder, unlinking every symlink first so nothing outside it can be touched. */
function removeProject(dir: string): void {
  const unlinkLinks = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (lstatSync(full).isSymbolicLink()) unlinkSync(full);
      else if (entry.isDirectory()) unlinkLinks(full);
    }
  };
  try {
    unlinkLinks(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function env(p: NextAppSpec, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const processEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    [p.authVersion === 4 ? "NEXTAUTH_SECRET" : "AUTH_SECRET"]: APP_SECRET,
    ...extra,
  };
  // Left to the project's .env.local: a secret in the environment would win over the file's.
  if (p.secretInEnvFile)
    for (const name of ["AUTH_SECRET", "NEXTAUTH_SECRET"]) delete processEnv[name];
  return processEnv;
}

function run(
  dir: string,
  args: readonly string[],
  processEnv: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string } {
  let log = "";
  const child = spawn(
    process.execPath,
    [path.join(dir, "node_modules", "next", "dist", "bin", "next"), ...args],
    { cwd: dir, env: processEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.add(child);
  child.once("exit", () => children.delete(child));
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  return { child, output: () => log };
}

/** `next build` in the project; resolves with its output, rejects with the output's tail. */
export async function nextBuild(dir: string, p: NextAppSpec, label: string): Promise<string> {
  const started = Date.now();
  const { child, output } = run(dir, ["build"], env(p));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  writeFileSync(path.join(dir, "next-build.log"), output());
  if (code !== 0)
    throw new Error(
      `next build failed (${code}) for ${p.title} in ${dir}:\n${output().slice(-6000)}`,
    );
  console.log(
    `[${label}] ${p.title}: next build took ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return output();
}

/**
 * `next start` on a free loopback port, once Auth.js answers. `hostname`: `-H` (default
 * "127.0.0.1"); null starts it without one, as `next start` runs by default. Next 16.4.6 proxies
 * middleware rewrites to itself under `-H 127.0.0.1` and renders them in place without it
 * (vercel/next.js#94745), so what a rewrite answers can differ between the two.
 */
export async function nextStart(
  dir: string,
  p: NextAppSpec,
  options: { readonly hostname?: string | null } = {},
): Promise<{ url: string; output: () => string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const base = `${url}${p.basePath ?? ""}`;
  // NextAuth v4 builds its callback URLs from NEXTAUTH_URL.
  const extra: Record<string, string> = p.authVersion === 4 ? { NEXTAUTH_URL: base } : {};
  const hostname = options.hostname === undefined ? "127.0.0.1" : options.hostname;
  const { child, output } = run(
    dir,
    ["start", "-p", String(port), ...(hostname === null ? [] : ["-H", hostname])],
    env(p, extra),
  );
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`next start exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${base}/api/auth/csrf`)).ok) return { url, output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(
        `next start did not answer within ${START_TIMEOUT_MS / 1000} s:\n${output()}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** This process's environment without what the running Vitest set for its own workers. */
function runnerFreeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NODE_ENV: "test" };
  for (const [name, value] of Object.entries(process.env))
    if (!/^(__)?VITEST|^NODE_OPTIONS$|^NODE_ENV$/.test(name)) env[name] = value;
  return env;
}

export const PROJECT_VITEST_TIMEOUT_MS = 120_000;

/** Runs the project's own Vitest (`vitest run`, its vitest.config): exit code and output. */
export function projectVitest(dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(dir, "node_modules/vitest/vitest.mjs"), "run", "--color=false"],
      { cwd: dir, env: runnerFreeEnv(), stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`vitest timed out in ${dir}:\n${output}`));
    }, PROJECT_VITEST_TIMEOUT_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * The project's route coverage test, run by its own Vitest: green on the app as it is, then red,
 * naming the file, once a route handler neither wrapped nor public is added under `appDir`.
 */
export async function expectCoverageTestGreenThenRed(dir: string, appDir: string): Promise<void> {
  const green = await projectVitest(dir);
  expect(green.code, green.output).toBe(0);
  expect(green.output).toMatch(/1 passed/);
  const leak = path.join(dir, appDir, "api/leak/route.ts");
  mkdirSync(path.dirname(leak), { recursive: true });
  writeFileSync(leak, "export async function GET() {\n  return Response.json({ secret: 1 });\n}\n");
  try {
    const red = await projectVitest(dir);
    expect(red.code).toBe(1);
    expect(red.output).toContain("api/leak/route.ts");
  } finally {
    rmSync(path.dirname(leak), { recursive: true, force: true });
  }
}

/** Stops every `next build`/`next start` this module started. */
export function stopAll(): Promise<void> {
  return Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
        }),
    ),
  ).then(() => undefined);
}

/** Stops everything and removes the project folders, or lists them when `keep` is true. */
export async function removeProjects(keep: boolean): Promise<void> {
  await stopAll();
  if (keep) {
    console.log(`projects kept in: ${[...tempDirs].join(", ")}`);
    return;
  }
  for (const dir of tempDirs) removeProject(dir);
  tempDirs.clear();
}
