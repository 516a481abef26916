/**
 * "Install by copy", proven as the README writes it: every step of its "Install by copy" section and
 * of its quick start (and, for NextAuth v4, of its v4 recipe) is taken from README.md itself and
 * applied to fresh, minimal Next projects in a temporary folder: the copy command is run, each file
 * the README names on a block's first line is written under that path, and `.env.local` gets the
 * README's variables (the secret's value is the test's). Each project is then built with
 * `next build`, started with `next start`, and checked over HTTP with sessions from a real sign-in
 * against its own auth endpoints and from the copied testing.ts.
 *
 * Mappings, all stated in the README: a `src/` layout puts the files under `src/` (except the root's
 * config files); `middleware.ts` becomes `proxy.ts` where a project tests that. next.config.ts
 * gets the project's basePath and what its symlinked node_modules need (below), and NEXTAUTH_URL
 * the server's port at start. What the test writes itself is what a user already has or writes for
 * their own app: package.json (the packages are linked, not installed), tsconfig, the root layout,
 * the user lookup the README's `verifyUser` stands for,
 * and the API routes it checks.
 *
 * Projects (one after the other: each build takes 30-60 s on two cores, more when they are busy):
 *   a. Next 16 + Auth.js v5, the kit in lib/authz
 *   b. Next 15.5 + NextAuth v4, a src/ layout with the kit in src/lib/authz (the v4 recipe on
 *      Next 15.5: its files are compiled nowhere else, they need v4's types)
 *   c. Next 16 + NextAuth v4 (App Router handler), the kit read through nextAuthV4Session
 *   d. Next 16 + Auth.js v5 with the same gate in proxy.ts (Node.js runtime) instead of middleware.ts
 *   e. Next 16 + Auth.js v5 under `basePath: "/base"`
 *
 * The projects' node_modules are made from this repo's (no install, no network): symlinks, except
 * for next and next-auth in the Next 15.5 project, which are copied (see linkNodeModules). Symlinks
 * out of the project need `turbopack.root` in next.config (a real install does not). About 5 minutes
 * in all on two idle cores. COPY_PROJECTS=a,c runs some of them; KEEP_COPY_PROJECTS=1 keeps the
 * folders (with next-build.log) for a look.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_PASSWORD as PASSWORD,
  APP_SECRET as SECRET,
  BUILD_TIMEOUT_MS,
  makeProjectDir,
  linkNodeModules,
  nextAppFiles,
  projectConfigLines,
  nextBuild,
  nextStart,
  type NextAppSpec,
  PROJECT_VITEST_TIMEOUT_MS,
  expectCoverageTestGreenThenRed,
  removeProjects,
  repo,
  START_TIMEOUT_MS,
  stopAll,
  versionOf,
  writeFiles,
} from "../support/next-project";
import {
  commandsUnder,
  envUnder,
  filesUnder,
  inLayout,
  inProject,
  packagesInstalledBy,
  readReadme,
} from "../support/readme-steps";
import { selectProjects } from "../support/select-projects";

type TestingModule = typeof import("../../lib/authz/testing");

interface ProjectSpec extends NextAppSpec {
  readonly id: "a" | "b" | "c" | "d" | "e";
  /** `middleware.ts` (Edge runtime) or Next 16's `proxy.ts` (Node.js runtime), same code. */
  readonly gate: "middleware" | "proxy";
}

const PROJECTS: readonly ProjectSpec[] = [
  {
    id: "a",
    title: "Next 16 + Auth.js v5",
    next: "next",
    nextAuth: "next-auth",
    authVersion: 5,
    src: false,
    gate: "middleware",
    secretInEnvFile: true,
  },
  {
    id: "b",
    title: "Next 15.5 + NextAuth v4 (src/ layout)",
    next: "next-15",
    nextAuth: "next-auth-v4",
    authVersion: 4,
    src: true,
    gate: "middleware",
    secretInEnvFile: true,
  },
  {
    id: "c",
    title: "Next 16 + NextAuth v4",
    next: "next",
    nextAuth: "next-auth-v4",
    authVersion: 4,
    src: false,
    gate: "middleware",
    secretInEnvFile: true,
  },
  {
    id: "d",
    title: "Next 16 + Auth.js v5, proxy.ts",
    next: "next",
    nextAuth: "next-auth",
    authVersion: 5,
    src: false,
    gate: "proxy",
    secretInEnvFile: true,
  },
  {
    id: "e",
    title: "Next 16 + Auth.js v5, basePath /base",
    next: "next",
    nextAuth: "next-auth",
    authVersion: 5,
    src: false,
    gate: "middleware",
    secretInEnvFile: true,
    basePath: "/base",
  },
];

const { selected, dropped } = selectProjects("COPY_PROJECTS", PROJECTS);

// ---------------------------------------------------------------------------------------------
// The README's steps, read once from README.md.

const readme = readReadme();
const QUICK_START = "## Quick start in your project";
const INSTALL_BY_COPY = "## Install by copy";
const NEXTAUTH_V4 = "### NextAuth v4";
const MIDDLEWARE = "## Early answers in `middleware.ts`";
const ROUTE_COVERAGE = "## Route coverage";

/** The files the README tells a project of this kind to write, by the path it names. */
function readmeFiles(p: ProjectSpec): Map<string, string> {
  const files = new Map(
    [QUICK_START, INSTALL_BY_COPY, MIDDLEWARE, ROUTE_COVERAGE]
      .flatMap((heading) => filesUnder(readme, heading))
      .map((f) => [f.target, f.code]),
  );
  // The v4 recipe's files, its lib/authz-edge.ts in place of the quick start's.
  if (p.authVersion === 4)
    for (const f of filesUnder(readme, NEXTAUTH_V4)) files.set(f.target, f.code);
  return files;
}

/** The README's next.config.ts, with the properties this project has whatever its config says. */
function withProjectConfig(code: string, p: ProjectSpec, dir: string): string {
  const opening = "const nextConfig: NextConfig = {\n";
  if (!code.includes(opening))
    throw new Error(`the README's next.config.ts no longer has ${JSON.stringify(opening)}`);
  const lines = projectConfigLines(p, dir).map((line) => `  ${line}\n`);
  return code.replace(opening, `${opening}${lines.join("")}`);
}

/** The README's `.env.local` for this project, its secret's value the test's own. */
function envFile(p: ProjectSpec): string {
  const variables = envUnder(readme, p.authVersion === 4 ? NEXTAUTH_V4 : INSTALL_BY_COPY);
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${name.endsWith("SECRET") ? SECRET : value}\n`)
    .join("");
}

/** The README's copy command, run in the project as written (the clone is this repo). */
function copyKit(p: ProjectSpec, dir: string): void {
  for (const command of commandsUnder(readme, INSTALL_BY_COPY)) {
    // Packages come from the repo's install (linkNodeModules), never the network.
    const packages = packagesInstalledBy(command);
    if (packages) {
      expect(packages.filter((pkg) => !["next-auth", "zod"].includes(pkg))).toEqual([]);
      continue;
    }
    const placed = inProject(command, repo, p.src);
    const run = spawnSync("sh", ["-c", placed], { cwd: dir, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`README command failed: ${placed}\n${run.stderr}`);
  }
}

// ---------------------------------------------------------------------------------------------
// What the user has or writes for their own app: the test's routes, on the README's wiring.

function userFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  files["app/api/me/route.ts"] = `import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.signedIn, async (_request, { subject }) =>
  Response.json({ id: subject.id, roles: subject.roles }),
);
`;
  files["app/api/admin/users/route.ts"] = `import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.admin, async (_request, { subject }) =>
  Response.json({ users: ["alice@example.com", "bob@example.com"], by: subject.id }),
);
`;
  // Params arrive as a Promise in Next 15 and 16; the kit awaits and validates them.
  files["app/api/admin/users/[id]/route.ts"] = `import * as z from "zod";
import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

const params = z.object({ id: z.string().min(1).max(32) });

export const GET = withAuthorization(policies.admin, { params }, async (_request, { params }) =>
  Response.json({ user: params.id }),
);
`;
  // Not matched by the README's middleware.ts: the handler's own check answers alone.
  files["app/api/account/route.ts"] = `import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.signedIn, async (_request, { subject }) => Response.json({ account: subject.id }));
`;
  // A probe with NO handler-side check, under the README middleware's /api/admin/** rule: if it
  // answers 401 to an anonymous request, the built middleware ran the kit.
  files["app/api/admin/probe/route.ts"] = `import { publicRoute } from "@/lib/authz";

export const GET = publicRoute("test probe: middleware.ts alone guards it", async () => Response.json({ probe: "reached" }));
`;
  // A list from a policy (docs/lists.md): the copied query folder's filter selects exactly the
  // rows the policy's owner rule allows, in memory here (the adapters turn it into SQL).
  files["app/api/documents/route.ts"] = `import { access } from "@/lib/access";
import { listFilter, matches } from "@/lib/authz/query/filter";
import { withAuthorization } from "@/lib/authz-node";

const rows = [
  { id: "d1", ownerId: "user-bob" },
  { id: "d2", ownerId: "user-alice" },
  { id: "d3", ownerId: "user-bob" },
  { id: "d4", ownerId: "" },
];
const listDocuments = access.policy({ name: "list-documents" });
const editable = listFilter(
  access.policy({ name: "edit-document", resource: { owner: "ownerId", ownerOverride: "admin" } }),
);

export const GET = withAuthorization(listDocuments, async (_request, { subject }) => {
  const where = editable.where(subject);
  return Response.json({ documents: rows.filter((row) => matches(where, row)).map((row) => row.id) });
});
`;
  // What the README's `verifyUser` stands for: the app's own user lookup.
  files["lib/users.ts"] = `const users = [
  { id: "user-alice", email: "alice@example.com", name: "Alice", role: "admin" },
  { id: "user-bob", email: "bob@example.com", name: "Bob", role: "member" },
];

export async function verifyUser(email?: string, password?: string) {
  const user = users.find((u) => u.email === email);
  return user && password === ${JSON.stringify(PASSWORD)} ? user : null;
}
`;
  return files;
}

/** The README files a project of this kind gets, where they land. */
function readmeFilesInProject(p: ProjectSpec, dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [target, code] of readmeFiles(p)) {
    if (target === "next.config.ts") files[target] = withProjectConfig(code, p, dir);
    else if (target === "middleware.ts") files[inLayout(`${p.gate}.ts`, p.src)] = code;
    else files[inLayout(target, p.src)] = code;
  }
  files[".env.local"] = envFile(p);
  return files;
}

// ---------------------------------------------------------------------------------------------
// Making the project: what a user has, the copied folder, then the README's files.

function createProject(p: ProjectSpec): string {
  const dir = makeProjectDir(`authz-copy-${p.id}-`);
  // package.json and tsconfig; the README brings the auth setup.
  writeFiles(
    dir,
    nextAppFiles(p, dir, {
      name: `authz-copy-${p.id}`,
      // The README's coverage test runs with Vitest.
      devDependencies: ["vitest"],
      auth: false, // the README's auth.ts and route handler
    }),
  );
  copyKit(p, dir);
  const own = userFiles();
  writeFiles(
    dir,
    Object.fromEntries(Object.entries(own).map(([file, text]) => [inLayout(file, p.src), text])),
  );
  writeFiles(dir, readmeFilesInProject(p, dir));
  linkNodeModules(dir, p, ["vitest"]);
  return dir;
}

afterAll(async () => {
  await removeProjects(process.env.KEEP_COPY_PROJECTS === "1");
});

// ---------------------------------------------------------------------------------------------
// The checks, the same for every project.

// Dropped projects show in the run's skipped count instead of vanishing.
if (dropped.length > 0)
  describe("projects COPY_PROJECTS left out", () => {
    it.skip.each(dropped)("$id: $title", () => {});
  });

describe.each(selected)("lib/authz copied into $title", (p) => {
  let dir = "";
  let url = "";
  let serverOutput = () => "";
  let testing: TestingModule;
  let buildOutput = "";
  const base = p.basePath ?? "";
  const get = (pathname: string, cookie?: string) =>
    fetch(`${url}${base}${pathname}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  const signIn = (email: string, password: string) =>
    testing.signInWithCredentials(`${url}${base}`, email, password);

  beforeAll(async () => {
    dir = createProject(p);
    buildOutput = await nextBuild(dir, p, "copy-into-project");
    ({ url, output: serverOutput } = await nextStart(dir, p));
    // The COPIED testing.ts, importing the project's own next-auth/jwt (v4 or v5).
    testing = (await import(
      pathToFileURL(path.join(dir, p.src ? "src/lib/authz/testing.ts" : "lib/authz/testing.ts"))
        .href
    )) as TestingModule;
  }, BUILD_TIMEOUT_MS + START_TIMEOUT_MS);

  afterAll(async () => {
    await stopAll();
  });

  it("writes the files the README names, in the project's layout", () => {
    expect([...readmeFiles(p).keys()].sort()).toEqual(
      [
        "lib/access.ts",
        "lib/authz-edge.ts",
        "lib/authz-node.ts",
        "next.config.ts",
        "app/403/page.tsx",
        "app/forbidden.tsx",
        "app/admin/page.tsx",
        "app/admin/actions.ts",
        "app/api/admin/reports/route.ts",
        "app/layout.tsx",
        "app/page.tsx",
        "middleware.ts",
        "app/api/auth/[...nextauth]/route.ts",
        "__tests__/authz-route-coverage.test.ts",
        "vitest.config.mts",
        "auth.ts",
      ].sort(),
    );
    const edge = readFileSync(path.join(dir, inLayout("lib/authz-edge.ts", p.src)), "utf8");
    expect(edge).toContain(p.authVersion === 4 ? "nextAuthV4Session" : "authJsSession");
    expect(readFileSync(path.join(dir, ".env.local"), "utf8")).toContain(
      `${p.authVersion === 4 ? "NEXTAUTH_SECRET" : "AUTH_SECRET"}=${SECRET}`,
    );
  });

  it(`was built by ${p.next === "next" ? "Next 16" : "Next 15.5"} with its ${p.gate}.ts`, () => {
    expect(buildOutput).toContain(`Next.js ${versionOf(p.next)}`);
    // Next lists the gate in its route table: "ƒ Middleware" in 15.5, "ƒ Proxy (Middleware)" in 16
    // whichever file it came from.
    expect(buildOutput).toMatch(/ƒ (Proxy \()?Middleware/);
    // Edge middleware is listed in the middleware manifest; a Node.js proxy is not.
    const manifest = JSON.parse(
      readFileSync(path.join(dir, ".next/server/middleware-manifest.json"), "utf8"),
    ) as { middleware: Record<string, unknown> };
    expect(Object.keys(manifest.middleware).length > 0).toBe(p.gate === "middleware");
  });

  it("answers 401 with WWW-Authenticate to an anonymous request, from middleware.ts and from the handler alone", async () => {
    const cookieName = testing.sessionCookieName(false, p.authVersion);
    for (const pathname of [
      "/api/me",
      "/api/admin/users",
      "/api/admin/users/u1",
      "/api/admin/probe",
      "/api/account",
    ]) {
      const response = await get(pathname);
      const body = await testing.expectRefusal(response, { status: 401, code: "unauthenticated" });
      // The challenge names the sign-in page and the cookie of the project's auth library.
      expect(response.headers.get("www-authenticate"), pathname).toBe(
        `Cookie realm="app", form-action="/api/auth/signin", cookie-name="${cookieName}"`,
      );
      expect(body.error).toBe("Unauthorized");
      // The middleware marks its answers; the README's matcher covers /api/admin/** only.
      expect(response.headers.get("x-authz-layer"), pathname).toBe(
        pathname.startsWith("/api/admin/") ? "middleware" : null,
      );
    }
  });

  it("signs in over HTTP against the project's own auth endpoints; a wrong password gets no session", async () => {
    expect(await signIn("bob@example.com", "wrong")).toBeNull();
    const cookie = await signIn("bob@example.com", PASSWORD);
    expect(cookie).toMatch(
      p.authVersion === 4 ? /^next-auth\.session-token=/ : /^authjs\.session-token=/,
    );
  });

  it("answers 403 to a signed-in member on the admin routes and 200 on the member route", async () => {
    const bob = await signIn("bob@example.com", PASSWORD);
    expect(bob).not.toBeNull();
    const me = await get("/api/me", bob ?? "");
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: "user-bob", roles: ["member"] });
    expect(await (await get("/api/account", bob ?? "")).json()).toEqual({ account: "user-bob" });
    for (const pathname of ["/api/admin/users", "/api/admin/users/u1", "/api/admin/probe"]) {
      await testing.expectRefusal(await get(pathname, bob ?? ""), {
        status: 403,
        code: "role_required",
        message: "Requires admin role",
      });
    }
  });

  it("lists from a policy: the owner's rows for a member, every owned row for the admin", async () => {
    expect((await get("/api/documents")).status).toBe(401);
    const bob = await signIn("bob@example.com", PASSWORD);
    const alice = await signIn("alice@example.com", PASSWORD);
    expect(await (await get("/api/documents", bob ?? "")).json()).toEqual({
      documents: ["d1", "d3"],
    });
    expect(await (await get("/api/documents", alice ?? "")).json()).toEqual({
      documents: ["d1", "d2", "d3"],
    });
  });

  it("answers 200 to the admin, with route params awaited and validated", async () => {
    const alice = await signIn("alice@example.com", PASSWORD);
    expect(alice).not.toBeNull();
    const users = await get("/api/admin/users", alice ?? "");
    expect(users.status).toBe(200);
    expect(await users.json()).toEqual({
      users: ["alice@example.com", "bob@example.com"],
      by: "user-alice",
    });
    const one = await get("/api/admin/users/u1", alice ?? "");
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual({ user: "u1" });
    const probe = await get("/api/admin/probe", alice ?? "");
    expect(probe.status).toBe(200);
  });

  it("accepts a cookie from the copied testing.ts (the installed next-auth's encode) and refuses a forged one", async () => {
    const admin = await testing.sessionCookie(
      { sub: "user-alice", role: "admin" },
      { secret: SECRET },
    );
    const member = await testing.sessionCookie(
      { sub: "user-bob", role: "member" },
      { secret: SECRET, version: p.authVersion },
    );
    expect(admin.startsWith(`${testing.sessionCookieName(false, p.authVersion)}=`)).toBe(true);
    expect((await get("/api/admin/users", admin)).status).toBe(200);
    await testing.expectRefusal(await get("/api/admin/users", member), {
      status: 403,
      code: "role_required",
    });
    const forged = await testing.sessionCookie(
      { sub: "user-alice", role: "admin" },
      { secret: "not-the-project-secret-0123456789abcdef" },
    );
    await testing.expectRefusal(await get("/api/admin/users", forged), {
      status: 401,
      code: "unauthenticated",
    });
    const expired = await testing.sessionCookie(
      { sub: "user-alice", role: "admin" },
      { secret: SECRET, maxAge: -3600 },
    );
    await testing.expectRefusal(await get("/api/admin/users", expired), {
      status: 401,
      code: "unauthenticated",
    });
  });

  it(`guards the README's page${p.basePath ? " under basePath" : ""}: sign-in redirect with its callbackUrl, the 403 page never cacheable, the admin let in`, async () => {
    const anonymous = await get("/admin?tab=users");
    expect(anonymous.status).toBe(307);
    const location = new URL(anonymous.headers.get("location")!, url);
    expect(location.pathname).toBe(`${base}/api/auth/signin`);
    expect(location.searchParams.get("callbackUrl")).toBe(`${base}/admin?tab=users`);

    const bob = await signIn("bob@example.com", PASSWORD);
    const refused = await get("/admin", bob ?? "");
    expect(refused.status).toBe(403);
    // The README's app/forbidden.tsx.
    expect(await refused.text()).toContain("403: you don’t have access to this page");
    const caching = refused.headers.get("cache-control") ?? "";
    expect(caching).toMatch(/\bprivate\b/);
    expect(caching).toMatch(/\bno-store\b/);
    expect(caching).not.toMatch(/max-age=[1-9]|s-maxage/);

    const alice = await signIn("alice@example.com", PASSWORD);
    const allowed = await get("/admin", alice ?? "");
    expect(allowed.status).toBe(200);
    // The README's page greets the subject by name.
    expect(await allowed.text()).toMatch(/Hello, (<!-- -->)?Alice/);
  });

  it("logged no kit error while serving", () => {
    // The one line the kit logs by design: the proxy trust model it chose, once at start-up.
    expect(serverOutput()).not.toMatch(/\[authz\](?! proxy trust:)|Error:/);
  });

  it(
    "runs the README's route coverage test with the project's Vitest: green on the app, red on an unguarded route",
    () => expectCoverageTestGreenThenRed(dir, inLayout("app", p.src)),
    2 * PROJECT_VITEST_TIMEOUT_MS,
  );

  // Last: the probe runs its own server, and ours would sit idle past its keep-alive timeout (a
  // request after that may meet a socket the server is closing). The tools address the app at its
  // root, so project e leaves them out.
  it.skipIf(p.basePath !== undefined)(
    "runs authz:report and authz:probe from the copied kit",
    () => {
      checkEntryPointTools(dir, p);
    },
    180_000,
  );
});

/**
 * The entry-point report and probe, run from the copy (`<kit>/tools/`) as its user would: every
 * route and page is listed with its policy and middleware rule, none unguarded (the README's auth
 * route handlers are public with a reason), and the probe finds every answer as declared except
 * the auth library's own endpoints'.
 */
function checkEntryPointTools(dir: string, p: ProjectSpec): void {
  const tools = path.join(dir, p.src ? "src/lib/authz/tools" : "lib/authz/tools");
  writeFileSync(
    path.join(dir, "probe-users.ts"),
    'export const users = [{ id: "user-alice", role: "admin" }, { id: "user-bob", role: "member" }];\n',
  );
  const run = (tool: string, args: readonly string[]) =>
    spawnSync(process.execPath, [path.join(tools, tool), ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });

  // Every entry guarded or public with a reason: the README's auth route handlers say why.
  const report = run("report-node.mjs", ["--json"]);
  expect(report.status, report.stderr).toBe(0);
  const listed = JSON.parse(report.stdout) as {
    entries: {
      kind: string;
      path: string;
      method?: string;
      policy?: string;
      public?: string;
      middleware?: string;
    }[];
    unguarded: { method?: string; path: string }[];
  };
  expect(listed.unguarded).toEqual([]);
  const route = (path: string) => listed.entries.find((e) => e.kind === "route" && e.path === path);
  expect(route("/api/auth/[...nextauth]")?.public).toMatch(/sign-in endpoints/);
  expect(route("/api/admin/users")).toMatchObject({
    policy: "admin",
    middleware: "admin (/api/admin/**)",
  });
  expect(route("/api/account")).toMatchObject({ policy: "signed-in" });
  expect(route("/api/account")?.middleware).toBeUndefined();
  const page = (path: string) => listed.entries.find((e) => e.kind === "page" && e.path === path);
  expect(page("/admin")).toMatchObject({ policy: "admin", middleware: "admin (/admin/**)" });

  const probe = run("probe-node.mjs", ["--users", "probe-users.ts#users", "--json"]);
  expect(probe.status, probe.stderr).not.toBe(2);
  const matrix = JSON.parse(probe.stdout) as {
    rows: { path: string; cells: Record<string, { observed: string }> }[];
    mismatches: { path: string }[];
  };
  expect(matrix.mismatches.filter((m) => m.path !== "/api/auth/[...nextauth]")).toEqual([]);
  const admin = matrix.rows.find((r) => r.path === "/api/admin/users")!.cells;
  expect([
    admin.anonymous?.observed,
    admin["user-alice"]?.observed,
    admin["user-bob"]?.observed,
  ]).toEqual(["401", "200", "403"]);
}
