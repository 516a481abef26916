/**
 * "Install by copy", proven: lib/authz/ is copied into fresh, minimal Next projects in a temporary
 * folder, each with its own Auth.js (or NextAuth v4) config, access declaration, guarded routes and
 * middleware.ts; each is built with `next build`, started with `next start`, and checked over HTTP
 * with sessions from a real sign-in against its own auth endpoints and from the copied testing.ts.
 *
 * Projects (one after the other: each build takes 30-60 s on two cores, more when they are busy):
 *   a. Next 16 + Auth.js v5, the kit in lib/authz
 *   b. Next 15.5 + NextAuth v4, a src/ layout with the kit in src/lib/authz (renamed folders must
 *      work; v4's App Router handler and nextAuthV4Session on Next 15.5)
 *   c. Next 16 + NextAuth v4 (App Router handler), the kit read through nextAuthV4Session
 *   d. Next 16 + Auth.js v5 with the same gate in proxy.ts (Node.js runtime) instead of middleware.ts
 *   e. Next 16 + Auth.js v5 under `basePath: "/base"`, with a page guarded by `authorize()` and a
 *      middleware page rule (authInterrupts, app/forbidden.tsx, the dynamic 403 page the README shows)
 *
 * The projects' node_modules are made from this repo's (no install, no network): symlinks, except
 * for next and next-auth in the Next 15.5 project, which are copied (see linkNodeModules). Symlinks
 * out of the project need `turbopack.root` in next.config (a real install does not). About 3 minutes
 * in all on two idle cores. COPY_PROJECTS=a,c runs some of them; KEEP_COPY_PROJECTS=1 keeps the
 * folders (with next-build.log) for a look.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isCI } from "../../scripts/ci.mjs";
import {
  APP_PASSWORD as PASSWORD,
  APP_SECRET as SECRET,
  BUILD_TIMEOUT_MS,
  makeProjectDir,
  linkNodeModules,
  nextAppFiles,
  nextBuild,
  nextStart,
  type NextAppSpec,
  removeProjects,
  repo,
  START_TIMEOUT_MS,
  stopAll,
  versionOf,
  writeFiles,
} from "../support/next-project";

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
  },
  {
    id: "b",
    title: "Next 15.5 + NextAuth v4 (src/ layout)",
    next: "next-15",
    nextAuth: "next-auth-v4",
    authVersion: 4,
    src: true,
    gate: "middleware",
  },
  {
    id: "c",
    title: "Next 16 + NextAuth v4",
    next: "next",
    nextAuth: "next-auth-v4",
    authVersion: 4,
    src: false,
    gate: "middleware",
  },
  {
    id: "d",
    title: "Next 16 + Auth.js v5, proxy.ts",
    next: "next",
    nextAuth: "next-auth",
    authVersion: 5,
    src: false,
    gate: "proxy",
  },
  {
    id: "e",
    title: "Next 16 + Auth.js v5, basePath /base, guarded pages",
    next: "next",
    nextAuth: "next-auth",
    authVersion: 5,
    src: false,
    gate: "middleware",
    basePath: "/base",
  },
];

/**
 * COPY_PROJECTS=a,c narrows the run for a quick look. It says which projects it drops, they count as
 * skipped tests, and under CI it is refused: CI proves every project.
 */
function selectProjects(list: string | undefined): {
  selected: ProjectSpec[];
  dropped: ProjectSpec[];
} {
  if (list === undefined) return { selected: [...PROJECTS], dropped: [] };
  const ids = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !PROJECTS.some((p) => p.id === id));
  if (unknown.length > 0)
    throw new Error(`COPY_PROJECTS names no project ${unknown.join(", ")} (known: a, b, c, d)`);
  const dropped = PROJECTS.filter((p) => !ids.includes(p.id));
  if (dropped.length > 0 && isCI())
    throw new Error(
      `COPY_PROJECTS=${list} would drop ${dropped.map((p) => p.id).join(", ")}: refused under CI, which runs every project`,
    );
  if (dropped.length > 0)
    console.warn(
      `COPY_PROJECTS=${list}: SKIPPING ${dropped.map((p) => `${p.id} (${p.title})`).join("; ")}`,
    );
  return { selected: PROJECTS.filter((p) => ids.includes(p.id)), dropped };
}
const { selected, dropped } = selectProjects(process.env.COPY_PROJECTS);

// ---------------------------------------------------------------------------------------------
// The project's files: what a user would write around a copied kit.

function projectFiles(p: ProjectSpec, dir: string): Record<string, string> {
  const src = p.src ? "src/" : "";
  const v4 = p.authVersion === 4;
  const secretEnv = v4 ? "NEXTAUTH_SECRET" : "AUTH_SECRET";
  const cookieName = v4 ? "next-auth.session-token" : "authjs.session-token";
  const pages = p.basePath !== undefined;
  const files = nextAppFiles(p, dir, {
    name: `authz-copy-${p.id}`,
    // forbidden() for authorize() and for middleware's 403 page: without it a refusal is a 500.
    ...(pages ? { nextConfig: "experimental: { authInterrupts: true }," } : {}),
  });

  files[`${src}lib/access.ts`] = `import { defineAccess } from "@/lib/authz";

export const access = defineAccess({
  roles: {
    member: { permissions: ["profile:read"] },
    admin: { inherits: ["member"], permissions: ["users:read"] },
  },
});

export const policies = {
  signedIn: access.policy({ name: "signed-in" }),
  admin: access.policy({ name: "admin", role: "admin" }),
};
`;

  const sessionSource = v4 ? "nextAuthV4Session" : "authJsSession";
  files[`${src}lib/authz-edge.ts`] =
    `import { ${sessionSource}, type AuthzOptions } from "@/lib/authz";

// Edge-safe: shared by middleware.ts and the route handlers.
export const authzOptions = {
  session: ${sessionSource}({ secret: () => process.env.${secretEnv} }),
  response: { challenge: 'Cookie realm="copy-${p.id}", form-action="/api/auth/signin", cookie-name="${cookieName}"' },
} satisfies AuthzOptions;
`;
  files[`${src}lib/authz-node.ts`] = `import { createAuthz } from "@/lib/authz";
import { authzOptions } from "@/lib/authz-edge";

export const authz = createAuthz(authzOptions);
export const { withAuthorization } = authz;
`;

  files[`${src}app/api/me/route.ts`] = `import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.signedIn, async (_request, { subject }) =>
  Response.json({ id: subject.id, roles: subject.roles }),
);
`;
  files[`${src}app/api/admin/users/route.ts`] = `import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.admin, async (_request, { subject }) =>
  Response.json({ users: ["alice@example.com", "bob@example.com"], by: subject.id }),
);
`;
  // Params arrive as a Promise in Next 15 and 16; the kit awaits and validates them.
  files[`${src}app/api/admin/users/[id]/route.ts`] = `import * as z from "zod";
import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

const params = z.object({ id: z.string().min(1).max(32) });

export const GET = withAuthorization(policies.admin, { params }, async (_request, { params }) =>
  Response.json({ user: params.id }),
);
`;
  // Not matched by middleware.ts: the handler's own check answers alone.
  files[`${src}app/api/account/route.ts`] = `import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.signedIn, async (_request, { subject }) => Response.json({ account: subject.id }));
`;
  // A probe with NO handler-side check, matched by middleware.ts only: if it answers 401 to an
  // anonymous request, the built middleware ran the kit. (Real routes check in the handler too.)
  files[`${src}app/api/probe/route.ts`] = `import { publicRoute } from "@/lib/authz";

export const GET = publicRoute("test probe: middleware.ts alone guards it", async () => Response.json({ probe: "reached" }));
`;

  if (pages) {
    files[`${src}lib/page-guard.ts`] = `import { createPageGuard } from "@/lib/authz/server";
import { authz } from "@/lib/authz-node";

export const { authorize } = createPageGuard(authz, { signInPath: "/api/auth/signin" });
`;
    files[`${src}app/layout.tsx`] =
      `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;
    files[`${src}app/forbidden.tsx`] = `export default function Forbidden() {
  return <h1>403: you may not see this page</h1>;
}
`;
    files[`${src}app/403/page.tsx`] = `import { forbidden } from "next/navigation";

// Rendered per request: a prerendered forbidden() would be cached as a static 403 page.
export const dynamic = "force-dynamic";

export default function ForbiddenRewriteTarget(): never {
  forbidden();
}
`;
    files[`${src}app/admin/page.tsx`] = `import { policies } from "@/lib/access";
import { authorize } from "@/lib/page-guard";

export default async function AdminPage() {
  const subject = await authorize(policies.admin, { path: "/admin" });
  return <h1>Admin page for {subject.id}</h1>;
}
`;
  }
  files[`${src}${p.gate}.ts`] = middlewareSource(p.gate, pages);
  return files;
}

/** middleware.ts (or proxy.ts) of a copy project: the kit's middleware factory with its path rules. */
function middlewareSource(gate: ProjectSpec["gate"], pages: boolean): string {
  const where = gate === "proxy" ? "in proxy.ts (Node.js runtime)" : "on the Edge";
  return `import { policies } from "@/lib/access";
import { authorizationMiddleware, createAuthz } from "@/lib/authz";
import { authzOptions } from "@/lib/authz-edge";

// An early answer ${where}; the route handlers check the same policies again.
export default authorizationMiddleware(createAuthz(authzOptions), {
  rules: [
    { path: "/api/me", policy: policies.signedIn, kind: "api" },
    { path: "/api/admin/**", policy: policies.admin, kind: "api" },
    { path: "/api/probe", policy: policies.admin, kind: "api" },${pages ? `\n    { path: "/admin/**", policy: policies.admin, kind: "page" },` : ""}
  ],
  signInPath: "/api/auth/signin",${pages ? `\n  forbiddenPath: "/403",` : ""}
});

export const config = { matcher: ["/api/me", "/api/admin/:path*", "/api/probe"${pages ? `, "/admin/:path*"` : ""}] };
`;
}

// ---------------------------------------------------------------------------------------------
// Making the project: what a user has, plus the copied folder.

function createProject(p: ProjectSpec): string {
  const dir = makeProjectDir(`authz-copy-${p.id}-`);
  writeFiles(dir, projectFiles(p, dir));
  // The copy itself, as a user makes it: the whole folder, nothing else from this repo.
  cpSync(path.join(repo, "lib/authz"), path.join(dir, p.src ? "src/lib/authz" : "lib/authz"), {
    recursive: true,
  });
  linkNodeModules(dir, p);
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
    for (const pathname of [
      "/api/me",
      "/api/admin/users",
      "/api/admin/users/u1",
      "/api/probe",
      "/api/account",
    ]) {
      const response = await get(pathname);
      const body = await testing.expectRefusal(response, { status: 401, code: "unauthenticated" });
      expect(response.headers.get("www-authenticate"), pathname).toContain(`realm="copy-${p.id}"`);
      expect(body.error).toBe("Unauthorized");
      // The middleware marks its answers; /api/account is outside its matcher.
      expect(response.headers.get("x-authz-layer"), pathname).toBe(
        pathname === "/api/account" ? null : "middleware",
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
    for (const pathname of ["/api/admin/users", "/api/admin/users/u1", "/api/probe"]) {
      await testing.expectRefusal(await get(pathname, bob ?? ""), {
        status: 403,
        code: "role_required",
        message: "Requires admin role",
      });
    }
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
    const probe = await get("/api/probe", alice ?? "");
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

  it("logged no kit error while serving", () => {
    expect(serverOutput()).not.toMatch(/\[authz\]|Error:/);
  });

  // The tools address the app at its root; project e checks its basePath and pages instead.
  it.skipIf(p.basePath !== undefined)(
    "runs authz:report and authz:probe from the copied kit",
    () => {
      checkEntryPointTools(dir, p);
    },
    180_000,
  );

  it.runIf(p.basePath !== undefined)(
    "guards the page under basePath: sign-in redirect and callbackUrl under it, the 403 page never cacheable, the admin let in",
    async () => {
      const anonymous = await get("/admin?tab=users");
      expect(anonymous.status).toBe(307);
      const location = new URL(anonymous.headers.get("location")!, url);
      expect(location.pathname).toBe(`${base}/api/auth/signin`);
      expect(location.searchParams.get("callbackUrl")).toBe(`${base}/admin?tab=users`);

      const bob = await signIn("bob@example.com", PASSWORD);
      const refused = await get("/admin", bob ?? "");
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain("403: you may not see this page");
      const caching = refused.headers.get("cache-control") ?? "";
      expect(caching).toMatch(/\bprivate\b/);
      expect(caching).toMatch(/\bno-store\b/);
      expect(caching).not.toMatch(/max-age=[1-9]|s-maxage/);

      const alice = await signIn("alice@example.com", PASSWORD);
      const allowed = await get("/admin", alice ?? "");
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toMatch(/Admin page for (<!-- -->)?user-alice/);
    },
  );
});

/**
 * The entry-point report and probe, run from the copy (`<kit>/tools/`) as its user would: every
 * route the project wraps is listed with its policy and middleware rule; only Auth.js's own
 * handlers, exported as Auth.js makes them (not wrapped in `publicRoute`), are reported unguarded,
 * and they are the only entries whose answers the probe finds differ from a declaration.
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

  const report = run("report-node.mjs", ["--json"]);
  expect(report.status, report.stderr).toBe(1);
  const listed = JSON.parse(report.stdout) as {
    entries: {
      kind: string;
      path: string;
      method?: string;
      policy?: string;
      middleware?: string;
    }[];
    unguarded: { method?: string; path: string }[];
  };
  expect(listed.unguarded.map((u) => `${u.method} ${u.path}`).sort()).toEqual([
    "GET /api/auth/[...nextauth]",
    "POST /api/auth/[...nextauth]",
  ]);
  const route = (path: string) => listed.entries.find((e) => e.kind === "route" && e.path === path);
  expect(route("/api/admin/users")).toMatchObject({
    policy: "admin",
    middleware: "admin (/api/admin/**)",
  });
  expect(route("/api/account")).toMatchObject({ policy: "signed-in" });
  expect(route("/api/account")?.middleware).toBeUndefined();

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
