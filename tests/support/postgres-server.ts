/**
 * Starts a REAL Postgres cluster for tests (no mocks): a temporary data directory, a free loopback
 * port, trust auth, fsync off. As root, Postgres refuses to run, so initdb and pg_ctl run as the
 * `postgres` user through `runuser`.
 *
 * Binaries: `POSTGRES_BIN_DIR`, else the newest /usr/lib/postgresql/<version>/bin. When they are
 * missing, `requirePostgres()` FAILS under CI (a missing service never passes as a skip) and
 * otherwise returns `skip: true` after printing what to install (`apt-get install -y postgresql`).
 */
import { spawnSync } from "node:child_process";
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCI } from "../../scripts/ci.mjs";

/** A running Postgres cluster: connect with `url`; `stop()` shuts it down and removes its data. */
export interface PostgresServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const MISSING =
  "Postgres was not found (set POSTGRES_BIN_DIR, or install it: apt-get install -y postgresql); the Postgres integration tests need a real server.";

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The directory holding initdb, pg_ctl and postgres, or null when there is none.
 *
 * @example
 * findPostgresBinDir(); // "/usr/lib/postgresql/15/bin" | null
 */
export function findPostgresBinDir(): string | null {
  const fromEnv = process.env.POSTGRES_BIN_DIR;
  const has = (dir: string) =>
    ["initdb", "pg_ctl", "postgres"].every((b) => executable(join(dir, b)));
  if (fromEnv) return has(fromEnv) ? fromEnv : null;
  let versions: string[] = [];
  try {
    versions = readdirSync("/usr/lib/postgresql").filter((v) => /^\d+$/.test(v));
  } catch {
    return null;
  }
  for (const v of versions.sort((a, b) => Number(b) - Number(a))) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (has(dir)) return dir;
  }
  return null;
}

/**
 * For a test file's top level: throws under CI when Postgres is missing, else tells whether to skip.
 *
 * @example
 * const { skip } = requirePostgres();
 * describe.skipIf(skip)("on Postgres", () => { ... });
 */
export function requirePostgres(): { skip: boolean } {
  if (findPostgresBinDir() !== null) return { skip: false };
  if (isCI()) throw new Error(`${MISSING} CI is set, so this is a failure, not a skip.`);
  console.warn(`SKIPPING Postgres integration tests: ${MISSING}`);
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

const asRoot = process.getuid?.() === 0;

/** Runs a Postgres binary, as the `postgres` user when we are root; throws with its output. */
function run(bin: string, args: readonly string[]): void {
  const [command, argv] = asRoot
    ? ["runuser", ["-u", "postgres", "--", bin, ...args]]
    : [bin, [...args]];
  const result = spawnSync(command, argv, { encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0)
    throw new Error(
      `${bin.split("/").pop()} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`,
    );
}

/**
 * initdb in a temporary directory, then `pg_ctl start -w` on a free port (loopback only).
 *
 * @example
 * const pg = await startPostgres();
 * afterAll(() => pg.stop());
 */
export async function startPostgres(): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  if (binDir === null) throw new Error(MISSING);
  const dir = mkdtempSync(join(tmpdir(), "authz-postgres-"));
  const data = join(dir, "data");
  if (asRoot) {
    chmodSync(dir, 0o755);
    const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  run(join(binDir, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-locale",
  ]);
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      run(join(binDir, "pg_ctl"), [
        "start",
        "-w",
        "-t",
        "60",
        "-D",
        data,
        "-l",
        join(dir, "postgres.log"),
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
      ]);
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(join(binDir, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // Never leave a cluster behind when the runner exits without calling stop().
  process.on("exit", stopNow);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      process.off("exit", stopNow);
      stopNow();
    },
  };
}
