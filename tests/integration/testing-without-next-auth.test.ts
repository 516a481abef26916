/**
 * lib/authz/testing.ts in a project without next-auth (an app that signs its own session): the
 * copied kit folder must type-check under create-next-app's tsconfig, and testing.ts must load and
 * work, refusing only `sessionCookie` (the one helper that needs next-auth) with one clear error.
 * The project is made as the copy tests make theirs: packages linked from this repo, no install.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  linkNodeModules,
  makeProjectDir,
  nextAppFiles,
  removeProjects,
  repo,
  writeFiles,
  type NextAppSpec,
} from "../support/next-project";

const spec: NextAppSpec = {
  id: "own-session",
  title: "Next 16, no next-auth",
  next: "next",
  nextAuth: "next-auth",
  authVersion: 5,
  src: false,
};

let dir = "";

beforeAll(() => {
  dir = makeProjectDir("authz-no-next-auth-");
  const files = nextAppFiles(spec, dir, { name: "own-session-app", auth: false });
  const pkg = JSON.parse(files["package.json"]!) as { dependencies: Record<string, string> };
  delete pkg.dependencies["next-auth"];
  files["package.json"] = JSON.stringify(pkg, null, 2);
  // The app's own test: the helpers it may use without next-auth.
  files["tests/routes.test.ts"] =
    `import { expectRefusal, requestFor, routeContext } from "@/lib/authz/testing";
export const request = requestFor("/api/me", { cookie: "session=x" });
export const context = routeContext({ id: "1" });
export const check = (r: Response) => expectRefusal(r, { status: 401, code: "session_required" });
`;
  writeFiles(dir, files);
  cpSync(path.join(repo, "lib/authz"), path.join(dir, "lib/authz"), { recursive: true });
  linkNodeModules(dir, spec);
  // No next-auth anywhere the project resolves from: linkNodeModules linked it, as a Next 16 app has.
  spawnSync("rm", [path.join(dir, "node_modules", "next-auth")]);
}, 60_000);

afterAll(() => removeProjects(false));

describe("a project without next-auth that copies lib/authz", () => {
  it("has no next-auth to resolve", () => {
    expect(existsSync(path.join(dir, "node_modules", "next-auth"))).toBe(false);
    expect(existsSync(path.join(dir, "node_modules", "next", "package.json"))).toBe(true);
  });

  it("type-checks, testing.ts and the app's test using it included (tsc --noEmit)", () => {
    const tsc = path.join(dir, "node_modules", "typescript", "bin", "tsc");
    const run = spawnSync(process.execPath, [tsc, "--noEmit", "-p", "."], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  }, 180_000);

  it("loads testing.ts in plain Node; sessionCookie alone refuses, with one clear error", () => {
    // testing.ts imports nothing of the kit: transpiled as it is, it runs in the project.
    const source = readFileSync(path.join(dir, "lib/authz/testing.ts"), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(path.join(dir, "lib/authz/testing.mjs"), outputText);
    writeFileSync(
      path.join(dir, "run.mjs"),
      `import * as testing from "./lib/authz/testing.mjs";
const request = testing.requestFor("/api/me", { cookie: "session=abc" });
const result = { url: request.url, cookie: request.headers.get("cookie") };
try {
  await testing.sessionCookie({ sub: "1" }, { secret: "s".repeat(32) });
  result.minted = true;
} catch (error) {
  result.error = error.message;
  result.cause = error.cause?.code;
}
// A second call asks again (a failed load is not remembered) and fails the same way.
result.again = await testing.sessionCookie({ sub: "1" }, { secret: "s".repeat(32) }).then(
  () => "minted",
  (error) => error.message === result.error,
);
console.log(JSON.stringify(result));
`,
    );
    const run = spawnSync(process.execPath, ["run.mjs"], { cwd: dir, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      url: "http://localhost:3000/api/me",
      cookie: "session=abc",
      error: expect.stringMatching(
        /^sessionCookie makes an Auth\.js or NextAuth session cookie and needs next-auth, which this project does not have\./,
      ),
      cause: "ERR_MODULE_NOT_FOUND",
      again: true,
    });
  });
});
