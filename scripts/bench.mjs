#!/usr/bin/env node
// `npm run bench`: every figure the issues ask for, measured side by side in one run on this
// machine. The machine is shared and noisy, so the figures that matter are the ratios between
// routes measured in the same run, printed last as `name=value` lines a script can read.
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import autocannon from "autocannon";
import { runnerImport } from "vite";

const root = path.resolve(import.meta.dirname, "..");
const benchDir = path.join(root, "bench");
const appDir = path.join(root, ".tmp", "bench-app");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const secret = "bench-secret-0123456789abcdef0123456789abcdef";
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const only = new Set((process.env.BENCH_ONLY ?? "micro,ratelimit,http,bundle,entries").split(","));
const results = {};

const load = async (file) =>
  (
    await runnerImport(path.join(root, file), {
      root,
      configFile: false,
      logLevel: "error",
      resolve: { tsconfigPaths: true },
    })
  ).module;
const log = (...args) => console.log(...args);

// ---- micro: session reads (µs per call) ------------------------------------------------------
if (only.has("micro")) {
  log("\n# Session read cost (one process, µs per call)");
  const { benchSessionRead } = await load("bench/session-read.bench.ts");
  const r = await benchSessionRead();
  log(
    `kit cold ${r.kitColdUs.toFixed(1)} µs · kit warm ${r.kitWarmUs.toFixed(2)} µs · next-auth/jwt decode ${r.decodeUs.toFixed(1)} µs`,
  );
  Object.assign(results, {
    session_cold_us: r.kitColdUs,
    session_warm_us: r.kitWarmUs,
    session_decode_us: r.decodeUs,
    ratio_session_decode_vs_kit_cold: r.decodeUs / r.kitColdUs,
  });
}

// ---- rate limits: memory and Redis decisions per second --------------------------------------
if (only.has("ratelimit")) {
  log("\n# Rate-limit decisions per second");
  const { startRedisServer, findRedisServerBinary } = await load("tests/support/redis-server.ts");
  const redis = findRedisServerBinary() ? await startRedisServer() : null;
  if (!redis) {
    log(
      "redis-server not found: install it with `sudo apt-get install -y redis-server` (Redis figures skipped)",
    );
  } else {
    try {
      const { benchRateLimit } = await load("bench/rate-limit.bench.ts");
      const r = await benchRateLimit(redis.url);
      log(
        `memory ${Math.round(r.memoryOpsPerSec)}/s · redis limiter ${Math.round(r.redisOpsPerSec)}/s · raw pipelined INCR ${Math.round(r.rawIncrOpsPerSec)}/s`,
      );
      Object.assign(results, {
        ratelimit_memory_ops: r.memoryOpsPerSec,
        ratelimit_redis_ops: r.redisOpsPerSec,
        ratelimit_raw_incr_ops: r.rawIncrOpsPerSec,
        ratio_redis_limiter_vs_raw_incr: r.redisVsRawRatio,
      });
    } finally {
      await redis.stop();
    }
  }
}

// ---- HTTP: next start, one app, the same route behind each guard -----------------------------
function prepareBenchApp() {
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });
  cpSync(path.join(benchDir, "app-template"), appDir, { recursive: true });
  cpSync(path.join(root, "lib"), path.join(appDir, "lib"), { recursive: true });
  // The app lives under this repo, so Node and Next resolve packages from the repo's node_modules.
  writeFileSync(
    path.join(appDir, "package.json"),
    JSON.stringify({ name: "next-authz-kit-bench", private: true }, null, 2),
  );
  if (!existsSync(path.join(appDir, "node_modules")))
    symlinkSync(path.join(root, "node_modules"), path.join(appDir, "node_modules"), "dir");
}

function build(dir) {
  const r = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    // Vite's runnerImport (the micro benches) leaves NODE_ENV=development behind; a build must not inherit it.
    env: {
      ...process.env,
      NODE_ENV: "production",
      AUTH_SECRET: secret,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`next build failed in ${dir}:\n${r.stdout}\n${r.stderr}`);
}

async function start(dir, port) {
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: dir,
    stdio: "ignore",
    env: {
      ...process.env,
      AUTH_SECRET: secret,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/bench/plain`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error("next start did not come up");
}

const run = (url, headers, duration) =>
  new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, headers }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });

if (only.has("http")) {
  log(
    `\n# Throughput on next start (autocannon -c ${connections}, ${seconds} s per route per round, 2 rounds interleaved)`,
  );
  prepareBenchApp();
  log("building the bench app ...");
  build(appDir);
  const port = 3900 + Math.floor(Math.random() * 90);
  const server = await start(appDir, port);
  try {
    const { encode } = await import("next-auth/jwt");
    const token = await encode({
      token: { sub: "user-bench", name: "Bench", role: "member" },
      secret,
      salt: "authjs.session-token",
      maxAge: 3600,
    });
    const cookie = `authjs.session-token=${token}`;
    const routes = [
      ["plain", "/bench/plain", "plain Response.json route"],
      ["guarded", "/bench/guarded", "withAuthorization, valid session"],
      ["authjs_handler", "/bench/authjs", "auth() inside the handler"],
      ["mw_none", "/bench/mw-none", "no middleware match"],
      ["mw_noop", "/bench/mw-noop", "no-op middleware (platform floor)"],
      ["mw_kit", "/bench/mw-kit", "kit middleware, valid session"],
      ["mw_authjs", "/bench/mw-authjs", "Auth.js auth() middleware wrapper"],
    ];
    // Every route must answer 200 with the session, or its figure means nothing.
    for (const [, p] of routes) {
      const res = await fetch(`http://127.0.0.1:${port}${p}`, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}, not 200`);
    }
    for (const [, p] of routes) await run(`http://127.0.0.1:${port}${p}`, { cookie }, 2); // warm-up
    const rps = Object.fromEntries(routes.map(([k]) => [k, []]));
    for (let round = 0; round < 2; round++) {
      const order = round === 0 ? routes : [...routes].reverse();
      for (const [key, p] of order) {
        const r = await run(`http://127.0.0.1:${port}${p}`, { cookie }, seconds);
        if (r.non2xx > 0 || r.errors > 0)
          throw new Error(`${p}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        rps[key].push(r.requests.average);
      }
    }
    for (const [key, , label] of routes) {
      const mean = rps[key].reduce((a, b) => a + b, 0) / rps[key].length;
      results[`rps_${key}`] = mean;
      log(
        `${label.padEnd(40)} ${mean.toFixed(0).padStart(6)} req/s   (rounds: ${rps[key].map((v) => v.toFixed(0)).join(", ")})`,
      );
    }
    results.ratio_guarded_vs_plain = results.rps_guarded / results.rps_plain;
    results.ratio_authjs_handler_vs_plain = results.rps_authjs_handler / results.rps_plain;
    results.ratio_mw_noop_vs_plain = results.rps_mw_noop / results.rps_mw_none;
    results.ratio_mw_kit_vs_noop = results.rps_mw_kit / results.rps_mw_noop;
    results.ratio_mw_authjs_vs_noop = results.rps_mw_authjs / results.rps_mw_noop;
  } finally {
    server.kill("SIGTERM");
  }
}

// ---- the demo's Edge middleware bundle, gzip -9 -------------------------------------------------
if (only.has("bundle")) {
  log("\n# Edge middleware bundle of the demo (all .next/server/edge/chunks/*.js, gzip -9)");
  build(root);
  const chunks = path.join(root, ".next", "server", "edge", "chunks");
  const files = existsSync(chunks) ? readdirSync(chunks).filter((f) => f.endsWith(".js")) : [];
  const bytes = files.reduce(
    (sum, f) => sum + gzipSync(readFileSync(path.join(chunks, f)), { level: 9 }).length,
    0,
  );
  log(
    `${files.length} chunks, ${(bytes / 1024).toFixed(1)} KB gzipped (target ≤ 72 KB; a no-op middleware is 51.5 KB)`,
  );
  results.edge_bundle_gzip_kb = bytes / 1024;
}

// ---- entry points: the report of a finished build, and the probe's whole matrix -----------------
if (only.has("entries")) {
  log("\n# Entry-point report and probe of the demo (npm run authz:report / authz:probe)");
  if (!only.has("bundle")) build(root);
  const tools = path.join(root, "lib", "authz", "tools");
  const timed = (args) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
    return { ms: performance.now() - started, status: r.status, stdout: r.stdout };
  };
  const report = timed([path.join(tools, "report-node.mjs"), "--json"]);
  const entries = report.status === 0 ? JSON.parse(report.stdout).entries.length : 0;
  log(
    `report: ${(report.ms / 1000).toFixed(2)} s for ${entries} entry points, exit ${report.status} (target ≤ 10 s)`,
  );
  const probe = timed([
    path.join(tools, "probe-node.mjs"),
    "--users",
    "lib/demo/users.ts#demoUsers",
    "--json",
  ]);
  const matrix = probe.status === 0 ? JSON.parse(probe.stdout) : null;
  const calls = matrix ? matrix.rows.reduce((n, r) => n + Object.keys(r.cells).length, 0) : 0;
  log(
    `probe: ${(probe.ms / 1000).toFixed(2)} s for ${calls} calls, next start included, exit ${probe.status} (target ≤ 60 s)`,
  );
  results.entries_report_s = report.ms / 1000;
  results.entries_probe_s = probe.ms / 1000;
}

// Figures first, ratios last: the lines a script reads are the final ones.
log("\n# Results (name=value)");
const entries = Object.entries(results).sort(
  ([a], [b]) => Number(a.startsWith("ratio_")) - Number(b.startsWith("ratio_")),
);
for (const [k, v] of entries) log(`${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`);
process.exit(0);
