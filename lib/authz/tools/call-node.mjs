// Calling the app for the probe: a free port, the app's own server started on it with the probe's
// secret, a client navigation's router state, and a bounded pool of requests.
// @see docs/entry-points.md#what-the-probe-calls
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { samplePath } from "./build-node.mjs";
import { CannotRun } from "./project-node.mjs";

/** The placeholder each dynamic segment of a probed path gets. */
export const PLACEHOLDER = "authz-probe";

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startServer(projectDir, secretEnvNames, secret, extraEnv = {}) {
  const bin = path.join(projectDir, "node_modules/next/dist/bin/next");
  if (!existsSync(bin)) throw new CannotRun(`no next in ${projectDir}/node_modules`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    ...extraEnv,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  for (const name of secretEnvNames) env[name] = secret;
  if (secretEnvNames.includes("NEXTAUTH_SECRET")) env.NEXTAUTH_URL ??= url;
  let log = "";
  const child = spawn(process.execPath, [bin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: projectDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new CannotRun(`next start exited (${child.exitCode}): ${log.slice(-500)}`);
    try {
      await fetch(`${url}/`, { redirect: "manual" });
      return { url, stop, log: () => log };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new CannotRun("next start did not answer within 60 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The router state a client sends after rendering `pattern`'s layouts, with a different page below. */
export function navigationTree(pattern) {
  const segments = samplePath(pattern, PLACEHOLDER).split("/").filter(Boolean);
  let tree = ['__PAGE__?{"authz-probe":"1"}', {}];
  for (let i = segments.length - 1; i >= 0; i--) tree = [segments[i], { children: tree }];
  return JSON.stringify(["", { children: tree }]);
}

export async function pool(tasks, size) {
  const results = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}
