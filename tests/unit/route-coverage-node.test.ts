/**
 * Route coverage, as a user runs it: `expectRouteCoverage(appDir)` from the kit's Node-only
 * testing module, pointed at the demo's own `app/` folder. Every HTTP method a `route.ts` exports
 * is guarded by `withAuthorization` or marked public with `publicRoute(reason)`; a route that
 * forgets both fails here, before it can ship. The same function is proven to catch each way of
 * forgetting on a throwaway `app/` folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { guardOf } from "@/lib/authz/entry/route";
import {
  expectRouteCoverage,
  routeCoverage,
  unguardedDeclarations,
} from "@/lib/authz/route-coverage-node";

const ROOT = resolve(__dirname, "../..");
const APP = join(ROOT, "app");
// What a user's test passes: its own runner's import, which compiles TypeScript and `@/` paths.
const load = (file: string) => import(file) as Promise<Record<string, unknown>>;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

describe("route coverage of the demo's app/, through expectRouteCoverage", () => {
  it("every exported handler is guarded or declared public", async () => {
    const coverage = await expectRouteCoverage(APP, load);
    // The walk found the demo's routes (an empty walk cannot pass).
    expect(coverage.files).toEqual(
      expect.arrayContaining([
        "api/admin/users/[id]/route.ts",
        "api/admin/users/route.ts",
        "api/auth/[...nextauth]/route.ts",
        "api/documents/[id]/route.ts",
        "api/me/route.ts",
        "api/ops/metrics/route.ts",
        "api/reports/export/route.ts",
      ]),
    );
    for (const entry of coverage.entries) {
      // A public mark must say why; a policy mark names its policy (logs, the demo console).
      if (entry.guard?.kind === "public") expect(entry.guard.reason.trim()).not.toBe("");
      else expect(entry.guard?.policy).toBeTruthy();
    }
  });

  it("the demo's own routes: which are public and which policy guards each", async () => {
    const { files } = await routeCoverage(APP, load);
    const relativeFiles = files.map((f) => `app/${f}`);
    const marks: Record<string, Record<string, unknown>> = {};
    for (const file of relativeFiles.filter((f) => f.startsWith("app/api/"))) {
      const mod = (await import(pathToFileURL(join(ROOT, file)).href)) as Record<string, unknown>;
      marks[file] = Object.fromEntries(
        METHODS.filter((m) => m in mod).map((m) => [m, guardOf(mod[m])]),
      );
    }
    // Only Auth.js's own endpoints and the RFC 9728 metadata are public.
    expect(marks).toMatchObject({
      "app/api/admin/users/[id]/route.ts": { DELETE: { kind: "policy", policy: "manage-user" } },
      "app/api/admin/users/route.ts": { GET: { kind: "policy", policy: "admin" } },
      "app/api/auth/[...nextauth]/route.ts": {
        GET: { kind: "public", reason: "sign-in library endpoints" },
        POST: { kind: "public", reason: "sign-in library endpoints" },
      },
      "app/api/documents/[id]/route.ts": {
        GET: { kind: "policy", policy: "read-document" },
        DELETE: { kind: "policy", policy: "delete-document" },
      },
      "app/api/me/route.ts": { GET: { kind: "policy", policy: "me" } },
      "app/api/well-known/oauth-protected-resource/route.ts": {
        GET: {
          kind: "public",
          reason: "OAuth protected resource metadata (RFC 9728): public by definition",
        },
      },
      "app/api/ops/metrics/route.ts": { GET: { kind: "policy", policy: "ops-metrics" } },
      "app/api/reports/export/route.ts": { POST: { kind: "policy", policy: "export-reports" } },
    });
  });
});

describe("expectRouteCoverage catches each way a route goes unguarded", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A throwaway app/ folder with these route files (paths relative to it). */
  function appWith(files: Record<string, string>): string {
    // Inside the repo, so the route files resolve the kit through the same `@/` paths.
    const dir = mkdtempSync(join(ROOT, "tests/.coverage-app-"));
    dirs.push(dir);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  }

  const guarded = `import { publicRoute } from "@/lib/authz/entry/route";
export const GET = publicRoute("health check", async () => Response.json({ ok: true }));
`;

  it("passes a folder whose routes are all guarded", async () => {
    const coverage = await expectRouteCoverage(appWith({ "health/route.ts": guarded }), load);
    expect(coverage.entries).toEqual([
      { file: "health/route.ts", method: "GET", guard: { kind: "public", reason: "health check" } },
    ]);
  });

  it("names a plain handler, a plain function declaration and an empty folder", async () => {
    const dir = appWith({
      "ok/route.ts": guarded,
      "plain/route.ts": "export const POST = async () => new Response(null);\n",
      "declared/route.ts": "export async function DELETE() { return new Response(null); }\n",
      "wrapped/route.ts": `const open = async () => new Response(null);
export { open as PUT };
`,
    });
    await expect(expectRouteCoverage(dir, load)).rejects.toThrow(
      [
        `Unguarded route handlers under ${dir}:`,
        "  declared/route.ts DELETE: declared as a plain function: it cannot be guarded",
        "  declared/route.ts DELETE: neither wrapped by withAuthorization nor marked publicRoute(reason)",
        "  plain/route.ts POST: declared as a plain function: it cannot be guarded",
        "  plain/route.ts POST: neither wrapped by withAuthorization nor marked publicRoute(reason)",
        "  wrapped/route.ts PUT: neither wrapped by withAuthorization nor marked publicRoute(reason)",
      ].join("\n"),
    );
    const empty = appWith({ "page.tsx": "export default function Page() { return null; }\n" });
    await expect(expectRouteCoverage(empty, load)).rejects.toThrow(/no route files found/);
  });

  it("a module that fails to import is reported, not skipped", async () => {
    const dir = appWith({ "broken/route.ts": 'throw new Error("boom");\nexport const GET = 1;\n' });
    const { problems } = await routeCoverage(dir, load);
    expect(problems).toEqual([{ file: "broken/route.ts", problem: "could not be imported: boom" }]);
  });
});

describe("the checks themselves catch what they should", () => {
  it.each([
    ["export async function GET(request: Request) {", ["GET"]],
    ["export function POST() {", ["POST"]],
    ["export const DELETE = async (request: Request) => new Response(null);", ["DELETE"]],
    ["export const PUT = (req) => x;", ["PUT"]],
    ["export const PATCH = async req => x;", ["PATCH"]],
    ["export const OPTIONS: RouteHandler = async () => x;", ["OPTIONS"]],
    ["export const HEAD = function () {}", ["HEAD"]],
    ["export const GET = withAuthorization(policies.admin, async () => x);", []],
    ['export const GET = publicRoute("health", async () => x);', []],
    ["export async function helper() {}", []],
  ] as const)("static scan of %j → %j", (source, expected) => {
    expect(unguardedDeclarations(source)).toEqual(expected);
  });

  it("guardOf: null for a plain function and for non-functions", () => {
    expect(guardOf(async () => new Response())).toBeNull();
    expect(guardOf(undefined)).toBeNull();
    expect(guardOf({})).toBeNull();
  });
});
