/**
 * authz:report on a Next before 15.5 (lib/authz/tools/entries-node.mjs, report-node.mjs): such a
 * build names no source module for server actions, so the report cannot match any action to its
 * guard. It must say, in one line, that the Next version is the cause, instead of only listing
 * every action as unguarded. The repo's Next 16 and the Next 15.5 fixture are read from their real
 * installs; older versions exist here only as version strings (no install of them is kept).
 * Also the report's accepts column (the credential kinds each entry takes); where those kinds come
 * from in a real build is proved by tests/integration/entry-points-fixture.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  actionSourceNote,
  namesNoActionSource,
  nextVersionOf,
  // @ts-expect-error a plain .mjs tool, run by Node without a build step
} from "@/lib/authz/tools/entries-node.mjs";
// @ts-expect-error a plain .mjs tool, run by Node without a build step
import { formatReport, publicShape } from "@/lib/authz/tools/report-node.mjs";

const repo = path.resolve(__dirname, "../..");
const installed = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, "node_modules/next/package.json"), "utf8")).version;

describe("the Next version decides whether actions can be attributed", () => {
  it("reads the project's own Next: the repo's Next 16 names action modules", () => {
    const version = nextVersionOf(repo);
    expect(version).toBe(installed(repo));
    expect(version).toMatch(/^16\./);
    expect(namesNoActionSource(version)).toBe(false);
  });

  const next15 = path.join(repo, "tests/fixtures/next15");
  it.skipIf(!existsSync(path.join(next15, "node_modules/next/package.json")))(
    "the Next 15.5 fixture is recent enough",
    () => {
      const version = nextVersionOf(next15);
      expect(version).toMatch(/^15\.5\./);
      expect(namesNoActionSource(version)).toBe(false);
    },
  );

  it("every version before 15.5 is the cause; 15.5 and later, and unknown versions, are not", () => {
    for (const v of ["15.4.7", "15.4.0-canary.12", "15.0.0", "14.2.33", "13.5.11"])
      expect(namesNoActionSource(v), v).toBe(true);
    for (const v of ["15.5.0", "15.5.29", "16.0.0", "16.4.6", "17.0.0-canary.1"])
      expect(namesNoActionSource(v), v).toBe(false);
    for (const v of [null, "", "latest", "15"])
      expect(namesNoActionSource(v), String(v)).toBe(false);
  });

  it("next resolves as Node resolves it (up the tree); a folder with none has no version", () => {
    expect(nextVersionOf(path.join(repo, "tests/fixtures/planted-mistakes"))).toBe(installed(repo));
    expect(nextVersionOf("/")).toBeNull();
  });
});

describe("the report says it in one line", () => {
  const note = actionSourceNote("15.3.2");
  const action = {
    kind: "action",
    path: "/settings",
    method: "POST",
    actionId: "7f00aa",
    problem: "the build names no source module (Next 15.3.2 is before 15.5)",
    file: "(unknown)",
    pages: ["/settings"],
    middlewareRules: [],
  };
  const result = {
    entries: [action],
    unguarded: [
      {
        kind: "action",
        path: "/settings",
        method: "POST",
        actionId: "7f00aa",
        file: "(unknown)",
        reason: action.problem,
      },
    ],
    notes: [note],
  };

  it("names the version, the cause and the fix on one line", () => {
    expect(note).not.toContain("\n");
    expect(note).toContain("Next 15.3.2");
    expect(note).toContain("15.5");
    expect(note).toMatch(/upgrade next/);
  });

  it("the human report prints the note once; the JSON carries it as notes", () => {
    const text: string = formatReport(result);
    expect(text.split("\n").filter((l) => l.includes(note))).toEqual([`Note: ${note}`]);
    expect(publicShape(result).notes).toEqual([note]);
    expect("notes" in publicShape({ ...result, notes: [] })).toBe(false);
  });
});

describe("the report's accepts column: the credential kinds each entry takes", () => {
  const entries = [
    { kind: "route", method: "GET", path: "/api/me", policy: "me", accepts: ["session", "bearer"] },
    // A page takes sessions only, whatever its policy lists.
    { kind: "page", path: "/me", policy: "me", accepts: ["session", "bearer"] },
    // A policy whose `accepts` the source's types do not spell out.
    { kind: "route", method: "GET", path: "/api/computed", policy: "computed" },
    { kind: "route", method: "GET", path: "/api/health", public: "load balancer health check" },
  ].map((e) => ({ ...e, file: `app${e.path}/route.ts`, middlewareRules: [] }));
  const result = { entries, unguarded: [] };

  it("a column after the guard: kinds, `?` when unknown, `-` for public entries", () => {
    const lines = (formatReport(result) as string).split("\n");
    const header = lines[0]!.split(/\s{2,}/);
    expect(header.slice(3, 5)).toEqual(["GUARD", "ACCEPTS"]);
    const cell = (path: string) => {
      const line = lines.find((l) => l.includes(` ${path} `))!;
      return line.slice(lines[0]!.indexOf("ACCEPTS")).split(/\s{2,}/)[0];
    };
    expect(cell("/api/me")).toBe("session,bearer");
    expect(cell("/me")).toBe("session");
    expect(cell("/api/computed")).toBe("?");
    expect(cell("/api/health")).toBe("-");
  });

  it("--json carries accepts on every entry with a policy (null when unknown)", () => {
    const shaped = publicShape(result).entries as { path: string; accepts?: string[] | null }[];
    expect(Object.fromEntries(shaped.map((e) => [e.path, e.accepts]))).toEqual({
      "/api/me": ["session", "bearer"],
      "/me": ["session"],
      "/api/computed": null,
      "/api/health": undefined,
    });
    expect("accepts" in shaped.find((e) => e.path === "/api/health")!).toBe(false);
  });
});
