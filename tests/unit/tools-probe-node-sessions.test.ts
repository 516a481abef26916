/**
 * The probe's sessions for an app that does not sign in with Auth.js (lib/authz/tools/probe-node.mjs,
 * `sessionCookies`): the saas-starter shape, a jose-signed `session` cookie holding
 * `{ user: { id: 1 } }`. `--mint` calls the app's own signer, `--sign-in` signs in over HTTP against a
 * real server with the app's function; each user's cookie must be read by the kit's `signedCookie`
 * as that user. The probe runs in its own Node process, in a project folder, as `npm run` runs it.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedCookie } from "../../lib/authz/session/signed-cookie";

const repo = path.resolve(__dirname, "../..");
const SECRET = "probe-own-session-secret-0123456789abcdef0123";
const source = signedCookie({ secret: SECRET });
let dir = "";
let server: Server;
let baseUrl = "";
let signIns = 0;

const sign = (id: number) =>
  new SignJWT({ user: { id }, expires: new Date(Date.now() + 86_400_000).toISOString() })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("1 day from now")
    .sign(new TextEncoder().encode(SECRET));

const files: Record<string, string> = {
  "package.json": JSON.stringify({ name: "saas", private: true, type: "module" }),
  "tsconfig.json": JSON.stringify({ compilerOptions: { paths: { "@/*": ["./*"] } } }),
  // The users the probe acts as: numeric ids, roles as the kit's declaration names them.
  "lib/users.ts": `export const users = [
  { id: 1, email: "owner@test.com", password: "admin123", role: "admin" },
  { id: 2, email: "member@test.com", password: "member123", role: "member" },
];`,
  // saas-starter's lib/auth/session.ts signToken, exported as the probe's mint(claims, { secret }).
  "lib/auth/session.ts": `import { SignJWT } from "jose";
export async function mint(claims: { sub: string }, { secret }: { secret: string }) {
  const token = await new SignJWT({ user: { id: Number(claims.sub) }, expires: "tomorrow" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("1 day from now")
    .sign(new TextEncoder().encode(secret));
  return \`session=\${token}\`;
}
export const broken = async () => null;`,
  // The app's sign-in over HTTP, as its own form posts it.
  "lib/test-sign-in.ts": `export async function signIn({ baseUrl, user }: { baseUrl: string; user: { email: string; password: string } }) {
  const response = await fetch(new URL("/api/sign-in", baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("session="));
  return cookie ? cookie.split(";")[0] : null;
}`,
};

/** Runs `sessionCookies` of the probe in the project, in a fresh Node process. */
async function probeSessions(args: Record<string, string | null>, secret: string | null = SECRET) {
  const tool = path.join(repo, "lib/authz/tools");
  const script = `
import { sessionCookies, loadUsers } from ${JSON.stringify(path.join(tool, "probe-node.mjs"))};
import { loadTypeScript } from ${JSON.stringify(path.join(tool, "entries-node.mjs"))};
const ts = loadTypeScript(process.cwd());
try {
  const users = await loadUsers(ts, process.cwd(), "lib/users.ts#users");
  const cookies = await sessionCookies(ts, process.cwd(), ${JSON.stringify(args)}, users, {
    secret: ${JSON.stringify(secret)},
    baseUrl: ${JSON.stringify(baseUrl)},
  });
  console.log(JSON.stringify({ users: users.map((u) => u.claims), cookies: [...cookies] }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message, kind: error.constructor.name }));
}`;
  // Not spawnSync: the sign-in server lives in this process and must keep answering.
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: dir });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  await new Promise((resolve) => child.once("close", resolve));
  expect(stderr).toBe("");
  return JSON.parse(stdout) as {
    users?: Record<string, unknown>[];
    cookies?: [string, string][];
    error?: string;
    kind?: string;
  };
}

const subjectOf = async (cookie: string) => {
  const outcome = await source.read(new Request(baseUrl, { headers: { cookie } }));
  return outcome.status === "ok" ? outcome.auth.claims.sub : outcome.status;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "authz-probe-own-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  mkdirSync(path.join(dir, "node_modules"));
  for (const pkg of ["typescript", "jose"])
    symlinkSync(path.join(repo, "node_modules", pkg), path.join(dir, "node_modules", pkg), "dir");
  // saas-starter's sign-in action, over HTTP: password checked, the session cookie set.
  const accounts: Record<string, { id: number; password: string }> = {
    "owner@test.com": { id: 1, password: "admin123" },
    "member@test.com": { id: 2, password: "member123" },
  };
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      void (async () => {
        signIns++;
        const { email, password } = JSON.parse(body || "{}") as Record<string, string>;
        const account = accounts[email ?? ""];
        if (req.url !== "/api/sign-in" || !account || account.password !== password) {
          res.writeHead(401).end();
          return;
        }
        res.setHeader("set-cookie", `session=${await sign(account.id)}; Path=/; HttpOnly`);
        res.writeHead(200).end("{}");
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const pkg of ["typescript", "jose"]) rmSync(path.join(dir, "node_modules", pkg));
  rmSync(dir, { recursive: true, force: true });
});

describe("probe sessions for a jose-signed session cookie (saas-starter)", () => {
  it("numeric ids are users: the claims carry sub '1' and '2', never a password", async () => {
    const result = await probeSessions({ mint: "lib/auth/session.ts#mint", signIn: null });
    expect(result.users).toEqual([
      { email: "owner@test.com", role: "admin", sub: "1" },
      { email: "member@test.com", role: "member", sub: "2" },
    ]);
  });

  it("--mint: the app's signer makes each user's cookie; the kit reads it as that user", async () => {
    const { cookies } = await probeSessions({ mint: "lib/auth/session.ts#mint", signIn: null });
    expect(cookies?.map(([label]) => label)).toEqual(["owner@test.com", "member@test.com"]);
    expect(await Promise.all(cookies!.map(([, c]) => subjectOf(c)))).toEqual(["1", "2"]);
  });

  it("--sign-in: the app's function signs in over HTTP; the kit reads each cookie", async () => {
    const before = signIns;
    const { cookies } = await probeSessions(
      { signIn: "lib/test-sign-in.ts#signIn", mint: null },
      null,
    );
    expect(signIns - before).toBe(2);
    expect(await Promise.all(cookies!.map(([, c]) => subjectOf(c)))).toEqual(["1", "2"]);
  });

  it("a user who gets no session stops the probe instead of being probed as anonymous", async () => {
    expect(await probeSessions({ mint: "lib/auth/session.ts#broken", signIn: null })).toEqual({
      kind: "CannotRun",
      error: expect.stringMatching(/^no session for owner@test\.com from --mint .*got null$/),
    });
    expect(await probeSessions({ mint: "lib/auth/session.ts#nothing", signIn: null })).toEqual({
      kind: "CannotRun",
      error: expect.stringMatching(/has no function export nothing/),
    });
  });

  it("--mint and --sign-in together cannot run (exit 2)", async () => {
    // @ts-expect-error a plain .mjs tool, run by Node without a build step
    const { main } = (await import("@/lib/authz/tools/probe-node.mjs")) as {
      main: (argv: string[], out: Pick<Console, "error" | "log">) => Promise<number>;
    };
    const errors: string[] = [];
    const out = { log: () => {}, error: (m: string) => errors.push(m) };
    const argv = ["--users", "u.ts#users", "--mint", "a.ts#m", "--sign-in", "b.ts#s"];
    expect(await main(argv, out)).toBe(2);
    expect(errors).toEqual(["authz:probe cannot run: give --mint or --sign-in, not both"]);
  });
});
