/**
 * "Install with one command", proven: the pinned shadcn CLI (`shadcn add`, the command users run)
 * adds the committed registry items (public/r/*.json, given as local paths) to fresh Next projects;
 * each is then built with `next build` (which type-checks), started with `next start`, and checked
 * over HTTP with sessions from a sign-in against its own Auth.js endpoints.
 *
 * Projects (one after the other, like tests/integration/copy-into-project.test.ts, whose project
 * helpers they share):
 *   n16      Next 16,   no src/, no components.json (the project that never met shadcn)
 *   n16-src  Next 16,   src/,    the smallest components.json
 *   n15      Next 15.5, no src/, the smallest components.json
 *   n15-src  Next 15.5, src/,    no components.json
 * plus one unbuilt project for what a second `add` does over local edits.
 *
 * The one change this test makes to the items: registryDependencies name the registry's homepage
 * (http://localhost:3000/r/<item>.json), which the CLI would fetch; here they name the local copies,
 * so nothing leaves the machine. The CLI installs no npm package either: the projects already list
 * `redis`, `@opentelemetry/api` and `vitest` (the items' only dependencies), and the CLI skips what package.json has.
 * REGISTRY_PROJECTS=n16,n15 runs some of them (none: only the second-add case; refused under CI);
 * KEEP_REGISTRY_PROJECTS=1 keeps the folders.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_PASSWORD,
  APP_SECRET,
  BUILD_TIMEOUT_MS,
  linkNodeModules,
  makeProjectDir,
  nextAppFiles,
  nextBuild,
  nextStart,
  type NextAppSpec,
  expectCoverageTestGreenThenRed,
  removeProjects,
  repo,
  START_TIMEOUT_MS,
  stopAll,
  versionOf,
  writeFiles,
} from "../support/next-project";
import { selectProjects } from "../support/select-projects";

type TestingModule = typeof import("../../lib/authz/testing");

const CLI = path.join(repo, "node_modules/shadcn/dist/index.js");
const CLI_TIMEOUT_MS = 120_000;
/** What a user adds; `authz` and `authz-starter` come with them through registryDependencies. */
const ADDED = ["authz-middleware", "authz-testing", "authz-redis", "authz-otel"] as const;

/** The smallest components.json the CLI accepts, for a project without UI components. */
const SMALLEST_COMPONENTS_JSON = {
  style: "",
  tailwind: { css: "", baseColor: "" },
  aliases: { components: "@/components", utils: "@/lib/utils" },
};

interface InstallSpec extends NextAppSpec {
  readonly componentsJson: boolean;
}

const v5 = { nextAuth: "next-auth", authVersion: 5 } as const;
const PROJECTS: readonly InstallSpec[] = [
  {
    id: "n16",
    title: "Next 16, no src/, no components.json",
    next: "next",
    src: false,
    componentsJson: false,
    ...v5,
  },
  {
    id: "n16-src",
    title: "Next 16, src/, smallest components.json",
    next: "next",
    src: true,
    componentsJson: true,
    ...v5,
  },
  {
    id: "n15",
    title: "Next 15.5, no src/, smallest components.json",
    next: "next-15",
    src: false,
    componentsJson: true,
    ...v5,
  },
  {
    id: "n15-src",
    title: "Next 15.5, src/, no components.json",
    next: "next-15",
    src: true,
    componentsJson: false,
    ...v5,
  },
];
// REGISTRY_PROJECTS=n16,n15 narrows the run (`none`: only the second-add case).
const { selected, dropped } = selectProjects("REGISTRY_PROJECTS", PROJECTS, ["none"]);

interface Registry {
  readonly homepage: string;
  readonly items: readonly {
    readonly name: string;
    readonly registryDependencies?: readonly string[];
    readonly files: readonly { readonly path: string; readonly target: string }[];
  }[];
}
const registry = JSON.parse(readFileSync(path.join(repo, "registry.json"), "utf8")) as Registry;

/** The committed items in a temporary folder, their registryDependencies pointing at each other. */
function localItems(): string {
  const dir = makeProjectDir("authz-registry-items-");
  const from = `${registry.homepage}/r/`;
  for (const name of readdirSync(path.join(repo, "public/r"))) {
    const text = readFileSync(path.join(repo, "public/r", name), "utf8");
    writeFileSync(path.join(dir, name), text.split(from).join(`${dir}/`));
  }
  return dir;
}
const items = localItems();
const itemPath = (name: string) => path.join(items, `${name}.json`);

/**
 * Runs the shadcn CLI in a project. `answer`, if given, is typed at each of its questions (the
 * CLI reads one question at a time, so answers typed ahead are lost); without it stdin is closed.
 */
function shadcn(
  dir: string,
  args: readonly string[],
  answer?: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    const read = (d: Buffer) => {
      output += d.toString();
      if (answer === undefined) return;
      // A question is drawn once with its "(y/N)" hint and redrawn without it once answered; the
      // answer waits a moment for the CLI to listen. The closing summary means no more questions,
      // and the CLI only exits once stdin ends.
      if (d.toString().includes("(y/N)")) setTimeout(() => child.stdin.write(answer), 100);
      if (/(Skipped|Updated|Created) \d+ files?/.test(d.toString())) child.stdin.end();
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`shadcn ${args.join(" ")} timed out:\n${output}`));
    }, CLI_TIMEOUT_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    if (answer === undefined) child.stdin.end();
  });
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? filesUnder(path.join(dir, e.name), base)
        : [path.relative(base, path.join(dir, e.name))],
    )
    .sort();
}

/**
 * Where a file of an item lands: its target, under src/ in a src/ project. The CLI writes
 * middleware.ts as proxy.ts on Next 16 without src/ (it checks only the project root's name).
 */
function landing(p: NextAppSpec, target: string): string {
  const file = p.src ? `src/${target}` : target;
  return file === "middleware.ts" && p.next === "next" ? "proxy.ts" : file;
}

/**
 * The files of the items a user adds here and of their registryDependencies, by target (the list
 * adapters' items, not added here, bring files of their own).
 */
function shippedFiles(): { readonly source: string; readonly target: string }[] {
  const byName = new Map(registry.items.map((i) => [i.name, i]));
  const added = new Set<string>();
  const visit = (name: string) => {
    if (added.has(name) || !byName.has(name)) return;
    added.add(name);
    for (const dep of byName.get(name)!.registryDependencies ?? [])
      visit(/\/r\/([\w-]+)\.json$/.exec(dep)?.[1] ?? dep);
  };
  ADDED.forEach(visit);
  return registry.items
    .filter((i) => added.has(i.name))
    .flatMap((i) => i.files.map((f) => ({ source: f.path, target: f.target })));
}

/** What the user writes after the install: route handlers and a page on the installed wiring. */
function userFiles(p: NextAppSpec): Record<string, string> {
  const src = p.src ? "src/" : "";
  return {
    [`${src}app/layout.tsx`]: `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`,
    // What the installed route-coverage test asks for (its docs say so).
    "vitest.config.mts": `import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { tsconfigPaths: true },
  // next-auth's ESM imports "next/server" without an extension; inlined, Vite resolves it.
  test: { environment: "node", server: { deps: { inline: ["next-auth"] } } },
});
`,
    [`${src}app/page.tsx`]: `export default function Home() {
  return <p>home</p>;
}
`,
    // Auth.js's own endpoints, marked public so the installed route-coverage test accepts them.
    [`${src}app/api/auth/[...nextauth]/route.ts`]: `import { handlers } from "@/auth";
import { publicRoute } from "@/lib/authz";

export const GET = publicRoute("Auth.js sign-in endpoints", (request: Request) =>
  handlers.GET(request as never),
);
export const POST = publicRoute("Auth.js sign-in endpoints", (request: Request) =>
  handlers.POST(request as never),
);
`,
    [`${src}app/api/me/route.ts`]: `import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.signedIn, async (_request, { subject }) =>
  Response.json({ id: subject.id, roles: subject.roles }),
);
`,
    [`${src}app/api/admin/users/route.ts`]: `import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.admin, async (_request, { subject }) =>
  Response.json({ users: ["alice@example.com", "bob@example.com"], by: subject.id }),
);
`,
    // Outside the middleware matcher: the handler's own check answers alone.
    [`${src}app/api/account/route.ts`]: `import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.signedIn, async (_request, { subject }) =>
  Response.json({ account: subject.id }),
);
`,
    [`${src}app/admin/page.tsx`]: `import { policies } from "@/lib/access";
import { authorize } from "@/lib/authz-node";

export default async function AdminPage() {
  const subject = await authorize(policies.admin, { path: "/admin" });
  return <h1>Admin: {subject.id}</h1>;
}
`,
  };
}

afterAll(async () => {
  await removeProjects(process.env.KEEP_REGISTRY_PROJECTS === "1");
});

// Dropped projects show in the run's skipped count instead of vanishing.
if (dropped.length > 0)
  describe("projects REGISTRY_PROJECTS left out", () => {
    it.skip.each(dropped)("$id: $title", () => {});
  });

describe.each(selected)("shadcn add into $title", (p) => {
  let dir = "";
  let add = { code: null as number | null, output: "" };
  let envLocal = "";
  let buildOutput = "";
  let url = "";
  let serverOutput = () => "";
  let testing: TestingModule;
  const src = p.src ? "src/" : "";
  const get = (pathname: string, cookie?: string) =>
    fetch(`${url}${pathname}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });

  beforeAll(
    async () => {
      dir = makeProjectDir(`authz-registry-${p.id}-`);
      writeFiles(
        dir,
        nextAppFiles(p, dir, {
          name: `authz-registry-${p.id}`,
          dependencies: ["redis", "@opentelemetry/api"],
          devDependencies: ["vitest"],
          nextConfig: "experimental: { authInterrupts: true },",
        }),
      );
      if (p.componentsJson)
        writeFileSync(path.join(dir, "components.json"), JSON.stringify(SMALLEST_COMPONENTS_JSON));
      linkNodeModules(dir, p, ["redis", "@opentelemetry/api", "vitest"]);

      add = await shadcn(dir, ["add", ...ADDED.map(itemPath), "--yes"]);
      if (add.code !== 0) throw new Error(`shadcn add failed (${add.code}):\n${add.output}`);
      envLocal = readFileSync(path.join(dir, ".env.local"), "utf8");

      // The user's part: the secret in .env.local, then routes and a page on the installed files.
      writeFileSync(
        path.join(dir, ".env.local"),
        envLocal.replace(/^AUTH_SECRET=$/m, `AUTH_SECRET=${APP_SECRET}`),
      );
      writeFiles(dir, userFiles(p));

      buildOutput = await nextBuild(dir, p, "registry-install");
      ({ url, output: serverOutput } = await nextStart(dir, p));
      // The INSTALLED testing.ts (the authz-testing item), importing the project's next-auth/jwt.
      testing = (await import(
        pathToFileURL(path.join(dir, src, "lib/authz/testing.ts")).href
      )) as TestingModule;
    },
    CLI_TIMEOUT_MS + BUILD_TIMEOUT_MS + START_TIMEOUT_MS,
  );

  afterAll(async () => {
    await stopAll();
  });

  it("added the items and their registryDependencies offline, installing no package", () => {
    expect(add.output).toMatch(/Created \d+ files/);
    expect(add.output).not.toMatch(/Installing dependencies/);
    expect(add.output).toContain("Set AUTH_SECRET in .env.local"); // the starter's docs
  });

  it("installed lib/authz/ whole and byte for byte: the CLI rewrites no import in these items", () => {
    const installed = path.join(dir, src, "lib/authz");
    const kit = path.join(repo, "lib/authz");
    expect(filesUnder(installed)).toEqual(filesUnder(kit));
    for (const file of filesUnder(kit))
      expect(readFileSync(path.join(installed, file), "utf8"), file).toBe(
        readFileSync(path.join(kit, file), "utf8"),
      );
  });

  it(`wrote every other file where Next looks for it, unchanged (${p.next === "next" && !p.src ? "proxy.ts" : "middleware.ts"})`, () => {
    for (const { source, target } of shippedFiles()) {
      const at = path.join(dir, landing(p, target));
      expect(existsSync(at), `${source} -> ${landing(p, target)}`).toBe(true);
      expect(readFileSync(at, "utf8"), source).toBe(readFileSync(path.join(repo, source), "utf8"));
    }
    expect(existsSync(path.join(dir, src, "middleware.ts"))).toBe(
      landing(p, "middleware.ts").endsWith("middleware.ts"),
    );
  });

  it("asked for AUTH_SECRET in .env.local without a value", () => {
    expect(envLocal).toBe("AUTH_SECRET=\n");
  });

  it(`builds and type-checks with Next ${p.next === "next" ? "16" : "15.5"}`, () => {
    expect(buildOutput).toContain(`Next.js ${versionOf(p.next)}`);
    expect(buildOutput).toMatch(/Running TypeScript|Checking validity of types/i);
    expect(buildOutput).toMatch(/ƒ (Proxy \()?Middleware/);
    // Edge middleware is listed in the middleware manifest; Next 16's proxy.ts (Node.js) is not.
    const manifest = JSON.parse(
      readFileSync(path.join(dir, ".next/server/middleware-manifest.json"), "utf8"),
    ) as { middleware: Record<string, unknown> };
    expect(Object.keys(manifest.middleware).length > 0).toBe(
      landing(p, "middleware.ts").endsWith("middleware.ts"),
    );
  });

  it("answers 401 with WWW-Authenticate to an anonymous request, from middleware and from the handler alone", async () => {
    for (const pathname of ["/api/me", "/api/admin/users", "/api/account"]) {
      const response = await get(pathname);
      await testing.expectRefusal(response, { status: 401, code: "unauthenticated" });
      expect(response.headers.get("www-authenticate"), pathname).toBeTruthy();
    }
    expect((await get("/api/admin/users")).headers.get("x-authz-layer")).toBe("middleware");
    expect((await get("/api/account")).headers.get("x-authz-layer")).toBeNull();
  });

  it("answers 403 to a signed-in member on the admin API and 200 on the member routes", async () => {
    expect(await testing.signInWithCredentials(url, "bob@example.com", "wrong")).toBeNull();
    const bob = (await testing.signInWithCredentials(url, "bob@example.com", APP_PASSWORD)) ?? "";
    expect(bob).toMatch(/^authjs\.session-token=/);
    const me = await get("/api/me", bob);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: "user-bob", roles: ["member"] });
    expect(await (await get("/api/account", bob)).json()).toEqual({ account: "user-bob" });
    const refused = await get("/api/admin/users", bob);
    expect(refused.headers.get("x-authz-layer")).toBe("middleware");
    await testing.expectRefusal(refused, {
      status: 403,
      code: "role_required",
      message: "Requires admin role",
    });
  });

  it("answers 200 to the admin, and accepts a cookie from the installed testing.ts", async () => {
    const alice =
      (await testing.signInWithCredentials(url, "alice@example.com", APP_PASSWORD)) ?? "";
    const users = await get("/api/admin/users", alice);
    expect(users.status).toBe(200);
    expect(await users.json()).toEqual({
      users: ["alice@example.com", "bob@example.com"],
      by: "user-alice",
    });
    const forged = await testing.sessionCookie(
      { sub: "user-alice", role: "admin" },
      { secret: APP_SECRET },
    );
    expect((await get("/api/admin/users", forged)).status).toBe(200);
  });

  it("guards the page: sign-in redirect when anonymous, the 403 page for a member, 200 for the admin", async () => {
    const anonymous = await get("/admin");
    expect(anonymous.status).toBe(307);
    const location = new URL(anonymous.headers.get("location") ?? "", url);
    expect(location.pathname).toBe("/api/auth/signin");
    expect(location.searchParams.get("callbackUrl")).toBe("/admin");

    const bob = (await testing.signInWithCredentials(url, "bob@example.com", APP_PASSWORD)) ?? "";
    const refused = await get("/admin", bob);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("cache-control")).toContain("no-store");

    const alice =
      (await testing.signInWithCredentials(url, "alice@example.com", APP_PASSWORD)) ?? "";
    const page = await get("/admin", alice);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("user-alice");
  });

  it(
    "runs the installed route-coverage test with Vitest: green on the app, red on an unguarded route",
    () => expectCoverageTestGreenThenRed(dir, `${src}app`),
    2 * CLI_TIMEOUT_MS,
  );

  it("logged no kit error while serving, only the proxy trust model it chose", () => {
    const lines = serverOutput().split("\n");
    // The starter reads the client address under proxyTrustFromEnv: no proxy named, none trusted.
    expect(lines).toContain(
      "[authz] proxy trust: none, no trusted proxy configured: client addresses are unknown",
    );
    const rest = lines.filter((line) => !line.startsWith("[authz] proxy trust: ")).join("\n");
    expect(rest).not.toMatch(/\[authz\]|Error:/);
  });
});

describe("a second shadcn add over local edits", () => {
  const p = PROJECTS[0]!;
  let dir = "";
  const edited = "// my own rule\n";

  beforeAll(async () => {
    dir = makeProjectDir("authz-registry-readd-");
    writeFiles(
      dir,
      nextAppFiles(p, dir, { name: "authz-registry-readd", dependencies: ["redis"] }),
    );
    mkdirSync(path.join(dir, "app"), { recursive: true });
    const first = await shadcn(dir, ["add", itemPath("authz-middleware"), "--yes"]);
    if (first.code !== 0) throw new Error(`shadcn add failed:\n${first.output}`);
  }, CLI_TIMEOUT_MS);

  it(
    "keeps edited files: the CLI asks before overwriting each one, and its default is no",
    async () => {
      for (const file of ["lib/access.ts", "lib/authz/decide/policy.ts"])
        writeFileSync(path.join(dir, file), readFileSync(path.join(dir, file), "utf8") + edited);
      // One Enter per question: the answer a user who just presses Enter gives.
      const again = await shadcn(
        dir,
        ["add", itemPath("authz-middleware"), "--yes"],
        "\n".repeat(10),
      );
      expect(again.code).toBe(0);
      expect(again.output).toMatch(
        /The file access\.ts already exists\. Would you like to overwrite\?/,
      );
      expect(again.output).toMatch(
        /The file policy\.ts already exists\. Would you like to overwrite\?/,
      );
      expect(again.output).toMatch(/Skipped \d+ files/);
      for (const file of ["lib/access.ts", "lib/authz/decide/policy.ts"])
        expect(readFileSync(path.join(dir, file), "utf8"), file).toMatch(/\/\/ my own rule\n$/);
      // Files the user did not touch are skipped without a question.
      expect(again.output).not.toMatch(/The file index\.ts already exists/);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "stops at the first question when no one can answer (stdin closed, as in CI), keeping the edits",
    async () => {
      const unattended = await shadcn(dir, ["add", itemPath("authz-middleware"), "--yes"]);
      // Exit code 0 and no summary: the run ended at the question.
      expect(unattended.code).toBe(0);
      expect(unattended.output).toMatch(/already exists\. Would you like to overwrite\?/);
      expect(unattended.output).not.toMatch(/Skipped \d+ files/);
      for (const file of ["lib/access.ts", "lib/authz/decide/policy.ts"])
        expect(readFileSync(path.join(dir, file), "utf8"), file).toMatch(/\/\/ my own rule\n$/);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "replaces them without a question under --overwrite: the edits are lost",
    async () => {
      const overwritten = await shadcn(dir, [
        "add",
        itemPath("authz-starter"),
        "--yes",
        "--overwrite",
      ]);
      expect(overwritten.code).toBe(0);
      expect(readFileSync(path.join(dir, "lib/access.ts"), "utf8")).toBe(
        readFileSync(path.join(repo, "registry/project/lib/access.ts"), "utf8"),
      );
      // The kit itself is the authz item: --overwrite of the starter rewrote it too.
      expect(readFileSync(path.join(dir, "lib/authz/decide/policy.ts"), "utf8")).toBe(
        readFileSync(path.join(repo, "lib/authz/decide/policy.ts"), "utf8"),
      );
    },
    CLI_TIMEOUT_MS,
  );
});
