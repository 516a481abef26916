/**
 * Starts a REAL redis-server for tests (no mocks): a free loopback port, no persistence.
 *
 * Binary: `REDIS_SERVER_BIN`, else /usr/bin/redis-server, else `redis-server` on PATH. When it is
 * missing, tests call `requireRedisServer()` which FAILS under CI (scripts/ci.mjs: a missing service
 * must never pass as a skip) and otherwise returns `skip: true` after printing what to install.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { isCI } from "../../scripts/ci.mjs";

/**
 * A running redis-server; stop/kill/restart keep the same port.
 *
 * @example
 * const server: RedisServer = await startRedisServer();
 * await server.kill(); await server.restart(); // crash and come back on server.url
 */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Graceful stop (SIGTERM), waits for exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop or kill), waits until it answers PING. */
  restart(): Promise<void>;
  /** SIGKILL, waits for exit: a crash, not a shutdown. */
  kill(): Promise<void>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds redis-server: REDIS_SERVER_BIN, /usr/bin/redis-server, then PATH; null when absent.
 *
 * @example
 * const bin = findRedisServerBinary(); // "/usr/bin/redis-server" | null
 */
export function findRedisServerBinary(): string | null {
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : null;
  if (isExecutable("/usr/bin/redis-server")) return "/usr/bin/redis-server";
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, "redis-server"))) return join(dir, "redis-server");
  }
  return null;
}

const MISSING =
  "redis-server was not found (set REDIS_SERVER_BIN, or install it: apt-get install -y redis-server); the Redis integration tests need a real server.";

/**
 * For a test file's top level: throws under CI when redis-server is missing, else tells whether to skip.
 *
 * @example
 * const { skip } = requireRedisServer();
 * describe.skipIf(skip)("redis store", () => { ... });
 */
export function requireRedisServer(): { skip: boolean } {
  if (findRedisServerBinary() !== null) return { skip: false };
  if (isCI()) throw new Error(`${MISSING} CI is set, so this is a failure, not a skip.`);
  console.warn(`SKIPPING Redis integration tests: ${MISSING}`);
  return { skip: true };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Resolves when PING answers +PONG, rejects after `ms`. */
async function waitForPing(port: number, ms: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (exited()) throw new Error("redis-server exited during start-up");
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port });
      let data = "";
      socket.setTimeout(500, () => {
        socket.destroy();
        resolve(false);
      });
      socket.on("connect", () => socket.write("PING\r\n"));
      socket.on("data", (chunk) => {
        data += chunk.toString();
        if (data.includes("\r\n")) {
          socket.destroy();
          resolve(data.startsWith("+PONG"));
        }
      });
      socket.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not answer PING on port ${port} within ${ms} ms`);
}

/**
 * Spawns `redis-server --port <free> --bind 127.0.0.1 --save "" --appendonly no` and waits for PING.
 *
 * @example
 * const redis = await startRedisServer();
 * afterAll(() => redis.stop());
 */
export async function startRedisServer(): Promise<RedisServer> {
  const bin = findRedisServerBinary();
  if (bin === null) throw new Error(MISSING);
  const dir = mkdtempSync(join(tmpdir(), "authz-redis-"));
  let port = 0;
  let child: ChildProcess | null = null;
  let exited = true;
  let stderr = "";

  async function launch(): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--loglevel",
      "warning",
    ];
    const proc = spawn(bin as string, args, { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    exited = false;
    proc.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    proc.on("exit", () => (exited = true));
    proc.on("error", () => (exited = true));
    try {
      await waitForPing(port, 5_000, () => exited);
    } catch (error) {
      proc.kill("SIGKILL");
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}${stderr ? `\n${stderr}` : ""}`,
      );
    }
  }

  async function signal(sig: NodeJS.Signals): Promise<void> {
    const proc = child;
    if (proc === null || exited) return;
    await new Promise<void>((resolve) => {
      proc.once("exit", () => resolve());
      proc.kill(sig);
    });
  }

  // A port found free can be taken before redis binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }

  // Never leave a server behind if the test runner exits without calling stop().
  const onExit = () => {
    if (child !== null && !exited) child.kill("SIGKILL");
  };
  process.on("exit", onExit);

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await signal("SIGTERM");
      process.off("exit", onExit);
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await signal("SIGKILL");
    },
    async restart() {
      await signal("SIGTERM");
      process.off("exit", onExit);
      process.on("exit", onExit);
      await launch();
    },
  };
}
