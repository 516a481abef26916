/**
 * The entry-point report and probe on planted mistakes (tests/fixtures/planted-mistakes): a small
 * app with correct entries beside six seeded mistakes is put in a fresh project with Auth.js and a
 * copy of lib/authz/, built with `next build`, and then
 * - `authz:report` must flag exactly the mistakes (precision and recall 1) and exit 1;
 * - `authz:probe` against `next start` must find every one that is reachable, and nothing else.
 * The report also names the credential kinds each entry accepts, read from the policies' types,
 * and the probe, given the fixture's `--credentials` hook (an issuer and an API key made for the
 * run), calls every guarded route with a bearer token and an API key and finds the kit answering
 * each as the policies say: taken where accepted, 401 credential_not_accepted elsewhere.
 * The tools run from the copied kit (`<project>/lib/authz/tools/`), as a user who copied it would.
 * About 1-2 minutes on two cores, most of it the build.
 */
import { spawn } from "node:child_process";
import { cpSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUILD_TIMEOUT_MS,
  linkNodeModules,
  makeProjectDir,
  nextAppFiles,
  nextBuild,
  removeProjects,
  repo,
  stopAll,
  writeFiles,
  type NextAppSpec,
} from "../support/next-project";

const FIXTURE = path.join(repo, "tests/fixtures/planted-mistakes");
const spec: NextAppSpec = {
  id: "planted",
  title: "planted mistakes (Next 16 + Auth.js v5)",
  next: "next",
  nextAuth: "next-auth",
  authVersion: 5,
  src: false,
};

/** The six planted mistakes, keyed as `entryKey` names them. */
const PLANTED = [
  "route GET /api/unwrapped",
  "page /unchecked",
  "page /members",
  "action app/_actions/notes.ts#clearNotes",
  "action app/_actions/notes.ts#exportAllNotes",
  "route GET /api/blank-reason",
].sort();

interface Entry {
  kind: string;
  path: string;
  method?: string;
  file: string;
  actionId?: string;
  unused?: boolean;
  layoutGuard?: unknown;
  public?: string;
  policy?: string;
  accepts?: string[] | null;
}

const entryKey = (e: { kind: string; path: string; method?: string; file: string }) =>
  e.kind === "action"
    ? `action ${e.file}`
    : e.kind === "route"
      ? `route ${e.method} ${e.path}`
      : `${e.kind} ${e.path}`;

function copyFixture(dir: string): void {
  const walk = (from: string): string[] =>
    readdirSync(from).flatMap((name) => {
      const full = path.join(from, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });
  for (const file of walk(FIXTURE)) {
    if (path.basename(file) === "README.md") continue;
    cpSync(file, path.join(dir, path.relative(FIXTURE, file)));
  }
}

function runTool(
  dir: string,
  tool: string,
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, "lib/authz/tools", tool), ...args], {
      cwd: dir,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

let dir = "";

beforeAll(async () => {
  dir = makeProjectDir("authz-planted-");
  writeFiles(
    dir,
    nextAppFiles(spec, dir, {
      name: "authz-planted",
      nextConfig: "experimental: { authInterrupts: true },",
    }),
  );
  copyFixture(dir);
  cpSync(path.join(repo, "lib/authz"), path.join(dir, "lib/authz"), { recursive: true });
  linkNodeModules(dir, spec);
  await nextBuild(dir, spec, "entry-points-fixture");
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await stopAll();
  await removeProjects(process.env.KEEP_COPY_PROJECTS === "1");
});

describe("authz:report on the planted mistakes", () => {
  it("flags exactly the planted mistakes: precision 1, recall 1, exit 1", async () => {
    const { code, stdout, stderr } = await runTool(dir, "report-node.mjs", ["--json"]);
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout) as { entries: Entry[]; unguarded: Entry[] };
    const flagged = report.unguarded.map(entryKey).sort();
    const truePositives = flagged.filter((k) => PLANTED.includes(k)).length;
    const precision = flagged.length === 0 ? 0 : truePositives / flagged.length;
    const recall = truePositives / PLANTED.length;
    console.log(
      `[entry-points-fixture] report: ${flagged.length} flagged, ${truePositives} of ${PLANTED.length} planted; precision ${precision}, recall ${recall}`,
    );
    expect(flagged).toEqual(PLANTED);
    expect({ precision, recall }).toEqual({ precision: 1, recall: 1 });

    // The correct entries are listed with their guards, and the mistakes say what is wrong.
    const byKey = new Map(report.entries.map((e) => [entryKey(e), e]));
    expect(byKey.get("page /admin")).toMatchObject({ policy: "admin" });
    expect(byKey.get("route GET /api/me")).toMatchObject({
      policy: "signed-in",
      middleware: "signed-in (/api/me)",
    });
    expect(byKey.get("route GET /api/health")).toMatchObject({
      public: "load balancer health check",
    });
    expect(byKey.get("layout /members")).toMatchObject({ policy: "signed-in" });
    expect(byKey.get("action app/_actions/notes.ts#addNote")).toMatchObject({
      policy: "write-notes",
      pages: ["/", "/admin"],
    });
    expect(byKey.get("action app/_actions/notes.ts#addNote")?.actionId).toMatch(/^[0-9a-f]{40,}$/);
    const reasons = new Map(
      report.unguarded.map((u) => [entryKey(u), String((u as { reason?: string }).reason)]),
    );
    expect(reasons.get("page /members")).toMatch(
      /guarded only by its layout app\/members\/layout\.tsx/,
    );
    expect(reasons.get("action app/_actions/notes.ts#exportAllNotes")).toMatch(/used by no page/);
    expect(reasons.get("route GET /api/blank-reason")).toMatch(/blank reason/);
  });

  it("names the credential kinds each entry takes, from the policy's type", async () => {
    const { stdout } = await runTool(dir, "report-node.mjs", ["--json"]);
    const report = JSON.parse(stdout) as { entries: Entry[] };
    const accepts = (key: string) => {
      const entry = report.entries.find((e) => entryKey(e) === key);
      return entry && "accepts" in entry ? entry.accepts : "absent";
    };
    expect(accepts("route GET /api/programs")).toEqual(["session", "bearer", "api_key"]);
    expect(accepts("route GET /api/me")).toEqual(["session"]);
    expect(accepts("page /admin")).toEqual(["session"]);
    expect(accepts("action app/_actions/notes.ts#addNote")).toEqual(["session"]);
    // `accepts: readerKinds` (a CredentialKind[] variable): the type does not say; no guess.
    expect(accepts("route GET /api/readers")).toBeNull();
    expect(accepts("route GET /api/health")).toBe("absent");
    const { stdout: text } = await runTool(dir, "report-node.mjs", []);
    const line = (path: string) => text.split("\n").find((l) => l.includes(` ${path} `)) ?? "";
    expect(line("/api/programs")).toMatch(/policy programs\s+session,bearer,api_key\s/);
    expect(line("/api/readers")).toMatch(/policy readers\s+\?\s/);
  });

  it("the human-readable report names each mistake on one line", async () => {
    const { code, stdout } = await runTool(dir, "report-node.mjs", []);
    expect(code).toBe(1);
    expect(stdout).toContain("6 of ");
    expect(stdout).toMatch(
      /page \/members \(app\/members\/page\.tsx\): .*guarded only by its layout/,
    );
  });

  it("cannot run without a build: exit 2 with one line", async () => {
    const { code, stdout, stderr } = await runTool(dir, "report-node.mjs", ["--dist", ".no-build"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /^authz:report cannot run: no build in .*\.no-build: run `next build` first/,
    );
  });
});

describe("authz:probe on the planted mistakes", () => {
  it("finds every reachable mistake and no mismatch on the correct entries", async () => {
    const { code, stdout, stderr } = await runTool(dir, "probe-node.mjs", [
      "--users",
      "lib/users.ts#users",
      "--json",
    ]);
    expect(code, stderr).toBe(1);
    const probe = JSON.parse(stdout) as {
      mismatches: {
        kind: string;
        path: string;
        method?: string;
        actionId?: string;
        who: string;
        variant: string;
        observed: string;
      }[];
      rows: { kind: string; path: string; actionId?: string }[];
    };
    const report = JSON.parse((await runTool(dir, "report-node.mjs", ["--json"])).stdout) as {
      entries: Entry[];
    };
    const fileOfAction = new Map(
      report.entries.filter((e) => e.actionId).map((e) => [e.actionId, e.file]),
    );
    const found = [
      ...new Set(
        probe.mismatches.map((m) =>
          entryKey({ ...m, file: m.actionId ? String(fileOfAction.get(m.actionId)) : "" }),
        ),
      ),
    ].sort();
    console.log(
      `[entry-points-fixture] probe: ${found.length} of ${PLANTED.length} planted mistakes found by a mismatch; ${probe.mismatches.length} mismatching calls`,
    );
    expect(found).toEqual(PLANTED);
    // The layout-only page is refused on a full load (its layout redirects) and served on a
    // client navigation, which is what the probe catches.
    const members = probe.mismatches.filter((m) => m.path === "/members");
    expect(members.map((m) => m.variant)).toEqual(["navigation"]);
  }, 120_000);

  it("with --credentials: every guarded route called with a bearer token and an API key, as declared", async () => {
    const { code, stdout, stderr } = await runTool(dir, "probe-node.mjs", [
      "--users",
      "lib/users.ts#users",
      "--credentials",
      "lib/probe-credentials.ts#credentials",
      "--json",
    ]);
    expect(code, stderr).toBe(1); // the planted mistakes are still there
    type Cell = { observed: string; expected: string; ok: boolean; challenge?: string };
    const probe = JSON.parse(stdout) as {
      credentials: { kind: string; user: string }[];
      rows: { kind: string; path: string; method?: string; cells: Record<string, Cell> }[];
      mismatches: { who: string }[];
    };
    // The hook mints a token for the first user, alice; only bob has an API key.
    expect(probe.credentials).toEqual([
      { kind: "bearer", user: "alice" },
      { kind: "api_key", user: "bob" },
    ]);
    expect(probe.mismatches.filter((m) => /^(bearer|api_key) /.test(m.who))).toEqual([]);
    const cells = (path: string) => {
      const row = probe.rows.find(
        (r) => r.kind === "route" && r.path === path && r.method === "GET",
      );
      return { bearer: row?.cells["bearer (alice)"], key: row?.cells["api_key (bob)"] };
    };
    const programs = cells("/api/programs");
    expect([programs.bearer?.observed, programs.key?.observed]).toEqual(["200", "200"]);
    // /api/readers takes sessions and tokens: the key is refused with a challenge it does take.
    const readers = cells("/api/readers");
    expect(readers.bearer?.observed).toBe("200");
    expect(readers.key).toMatchObject({
      observed: "401 credential_not_accepted",
      expected: "not accepted (session, bearer)",
      ok: true,
    });
    expect(readers.key?.challenge).toMatch(/^(Cookie|Bearer)\b/);
    // /api/me's middleware rule (sessions only) answers a program before the handler does.
    const me = cells("/api/me");
    for (const cell of [me.bearer, me.key])
      expect(cell).toMatchObject({
        observed: "401 credential_not_accepted",
        expected: "not accepted (session)",
        ok: true,
      });
    // Public routes and pages are not called with credentials.
    expect(cells("/api/health").bearer).toBeUndefined();
    const { stdout: text } = await runTool(dir, "probe-node.mjs", [
      "--users",
      "lib/users.ts#users",
      "--credentials",
      "lib/probe-credentials.ts#credentials",
    ]);
    expect(text.split("\n")[0]).toMatch(
      /anonymous\s+alice\s+bob\s+bearer \(alice\)\s+api_key \(bob\)$/,
    );
    expect(text).toContain("guarded routes are called with bearer (alice) and api_key (bob)");
  }, 180_000);
});
