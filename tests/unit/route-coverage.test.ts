/**
 * The coverage proof (issue 3, point 6): every HTTP method a `route.ts` under `app/` exports is
 * either guarded by `withAuthorization` or deliberately marked public with `publicRoute(reason)`.
 * A new route that forgets both fails here, before it can ship.
 *
 * Two independent checks, because either alone can be fooled:
 * - at runtime, each module is imported and each exported method asked `guardOf()`: this sees what
 *   Next will actually call, whatever the syntax (re-exports, destructuring, helpers);
 * - statically, the source is scanned for method handlers written as plain functions
 *   (`export async function GET`, `export const POST = async () =>`), which can never carry the
 *   mark; this still reports the culprit when the module fails to import at all.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { guardOf } from "@/lib/authz/route";

const ROOT = resolve(__dirname, "../..");
const APP = join(ROOT, "app");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

function findRouteFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") found.push(...findRouteFiles(path));
    } else if (/^route\.(ts|tsx|js|mjs|jsx)$/.test(entry.name)) {
      found.push(path);
    }
  }
  return found.sort();
}

const routeFiles = findRouteFiles(APP);
const relativeFiles = routeFiles.map((f) => relative(ROOT, f));

/** Method handlers declared in a form that cannot carry a guard mark. */
function unguardedDeclarations(source: string): string[] {
  const methods = METHODS.join("|");
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

describe("route coverage: every exported handler is guarded or declared public", () => {
  it("finds the demo's route files (so an empty walk cannot pass)", () => {
    expect(relativeFiles).toEqual(
      expect.arrayContaining([
        "app/api/admin/users/[id]/route.ts",
        "app/api/admin/users/route.ts",
        "app/api/auth/[...nextauth]/route.ts",
        "app/api/documents/[id]/route.ts",
        "app/api/me/route.ts",
        "app/api/ops/metrics/route.ts",
        "app/api/reports/export/route.ts",
      ]),
    );
  });

  it.each(relativeFiles)("%s: no plain-function method handler in the source", (file) => {
    const source = readFileSync(join(ROOT, file), "utf8");
    expect(
      unguardedDeclarations(source),
      `${file} declares these handlers without withAuthorization/publicRoute`,
    ).toEqual([]);
  });

  it.each(relativeFiles)("%s: every exported method is wrapped or public", async (file) => {
    const mod = (await import(pathToFileURL(join(ROOT, file)).href)) as Record<string, unknown>;
    const methods = METHODS.filter((m) => m in mod);
    expect(methods.length, `${file} exports no HTTP method`).toBeGreaterThan(0);
    const unguarded = methods.filter((m) => guardOf(mod[m]) === null);
    expect(
      unguarded,
      `${file}: exported handlers neither wrapped by withAuthorization nor marked publicRoute(reason)`,
    ).toEqual([]);
    for (const m of methods) {
      const guard = guardOf(mod[m])!;
      // A public mark must say why; a policy mark names its policy (logs, the demo console).
      if (guard.kind === "public") expect(guard.reason.trim()).not.toBe("");
      else expect(guard.policy).not.toBe("");
    }
  });

  it("the demo's own routes: which are public and which policy guards each", async () => {
    const marks: Record<string, Record<string, unknown>> = {};
    for (const file of relativeFiles.filter((f) => f.startsWith("app/api/"))) {
      const mod = (await import(pathToFileURL(join(ROOT, file)).href)) as Record<string, unknown>;
      marks[file] = Object.fromEntries(
        METHODS.filter((m) => m in mod).map((m) => [m, guardOf(mod[m])]),
      );
    }
    // Only Auth.js's own endpoints are public.
    expect(marks).toMatchObject({
      "app/api/admin/users/[id]/route.ts": { DELETE: { kind: "policy", policy: "manage-user" } },
      "app/api/admin/users/route.ts": { GET: { kind: "policy", policy: "admin" } },
      "app/api/auth/[...nextauth]/route.ts": {
        GET: { kind: "public", reason: "Auth.js sign-in endpoints" },
        POST: { kind: "public", reason: "Auth.js sign-in endpoints" },
      },
      "app/api/documents/[id]/route.ts": {
        GET: { kind: "policy", policy: "read-document" },
        DELETE: { kind: "policy", policy: "delete-document" },
      },
      "app/api/me/route.ts": { GET: { kind: "policy", policy: "signed-in" } },
      "app/api/ops/metrics/route.ts": { GET: { kind: "policy", policy: "ops-metrics" } },
      "app/api/reports/export/route.ts": { POST: { kind: "policy", policy: "export-reports" } },
    });
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
