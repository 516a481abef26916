/**
 * Starts the built demo with `next start` on a free loopback port, for one e2e spec file: each file
 * gets fresh in-memory state (documents, rate-limit counters). Needs `npm run build` first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export const E2E_AUTH_SECRET =
  process.env.E2E_AUTH_SECRET ?? "e2e-secret-for-tests-only-0123456789abcdef";

export interface NextServer {
  readonly url: string;
  readonly port: number;
  readonly output: () => string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Options of {@link startNextServer}. */
export interface NextServerOptions {
  /** Extra environment (e.g. `TRUSTED_PROXY_HOPS`, `OPS_ALLOWED_IPS`, `REDIS_URL`). */
  readonly env?: Record<string, string>;
  /** The Next project folder (default: this repo). */
  readonly dir?: string;
  /**
   * `-H` for `next start` (default "127.0.0.1"); null starts it without one, as `next start` runs
   * by default (every interface). The choice matters to Next's middleware rewrites behind a
   * TLS-terminating proxy (tests/e2e/https.spec.ts).
   */
  readonly hostname?: string | null;
  /**
   * A path that answers 2xx once the server is up (default Auth.js's `/api/auth/csrf`; Better
   * Auth's is `/api/auth/ok`).
   */
  readonly readyPath?: string;
}

export async function startNextServer(options: NextServerOptions = {}): Promise<NextServer> {
  const dir = options.dir ?? path.resolve(__dirname, "../..");
  if (!existsSync(path.join(dir, ".next", "BUILD_ID"))) {
    throw new Error(
      `No production build in ${dir}: run \`npm run build\` first (npm test does it for you).`,
    );
  }
  // `E2E_AUTH_PROVIDER=better-auth` runs a whole spec run on Better Auth (scripts/test-e2e.mjs).
  const provider = options.env?.AUTH_PROVIDER ?? process.env.E2E_AUTH_PROVIDER;
  const providerEnv = provider ? { AUTH_PROVIDER: provider } : {};
  const readyPath =
    options.readyPath ?? (provider === "better-auth" ? "/api/auth/ok" : "/api/auth/csrf");
  const port = await freePort();
  const nextBin = path.join(dir, "node_modules", "next", "dist", "bin", "next");
  let log = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [
      nextBin,
      "start",
      "-p",
      String(port),
      ...(options.hostname === null ? [] : ["-H", options.hostname ?? "127.0.0.1"]),
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        AUTH_SECRET: E2E_AUTH_SECRET,
        NODE_ENV: "production",
        ...providerEnv,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}${readyPath}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`next start did not answer within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    port,
    output: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
