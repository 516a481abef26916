#!/usr/bin/env node
// `npm run bench`: every figure the issues ask for, measured side by side in one run on this
// machine. The machine is shared and noisy, so the figures that matter are the ratios between
// routes measured in the same run, printed last as `name=value` lines a script can read.
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { runnerImport } from "vite";

const root = path.resolve(import.meta.dirname, "..");
const benchDir = path.join(root, "bench");
const appDir = path.join(root, ".tmp", "bench-app");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const secret = "bench-secret-0123456789abcdef0123456789abcdef";
// Throughput: many short rounds in alternating order rather than two long ones. The host's noise
// drifts over minutes, so a ratio is taken per round (its two routes measured moments apart) and
// the median of those is quoted.
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const only = new Set(
  (
    process.env.BENCH_ONLY ?? "micro,credentials,ratelimit,freshness,lists,http,demo,bundle,entries"
  ).split(","),
);
const results = {};
// The machine's 1-minute load when the run starts and ends: a figure from a busy machine says so.
const loadAtStart = loadavg()[0];

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

/** Writes bench/last-run.json and the generated blocks of docs/performance.md and docs/middleware.md. */
async function updateDocs(record) {
  const { PERFORMANCE_ROWS, BUNDLE_ROWS, SOURCE_ROWS, PROFILE_ROWS, renderBlocks, replaceBlocks } =
    await load("bench/report.ts");
  const missing = [...PERFORMANCE_ROWS, ...BUNDLE_ROWS, ...SOURCE_ROWS, ...PROFILE_ROWS]
    .flatMap((row) => [row.metric, ...(row.ratio ? [row.ratio.metric] : [])])
    .filter((metric) => typeof record.results[metric] !== "number");
  if (missing.length > 0) throw new Error(`not a full run: no ${missing.join(", ")}`);
  const prettier = await import("prettier");
  const blocks = renderBlocks(record);
  writeFileSync(path.join(benchDir, "last-run.json"), `${JSON.stringify(record, null, 2)}\n`);
  for (const file of ["docs/performance.md", "docs/middleware.md", "docs/sessions.md"]) {
    const full = path.join(root, file);
    const updated = replaceBlocks(readFileSync(full, "utf8"), blocks);
    const options = { ...(await prettier.resolveConfig(full)), filepath: full };
    writeFileSync(full, await prettier.format(updated, options));
  }
  log(
    `bench/last-run.json, docs/performance.md and docs/middleware.md now quote the run of ${record.date}.`,
  );
}

// `--update-docs-from-latest`: the docs from the run bench-results/latest.json recorded, unchanged.
if (process.argv.includes("--update-docs-from-latest")) {
  await updateDocs(JSON.parse(readFileSync(path.join(root, "bench-results/latest.json"), "utf8")));
  process.exit(0);
}

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
    ratio_session_decode_vs_kit_warm: r.decodeUs / r.kitWarmUs,
  });

  log(
    "\n# Credential sources beside their libraries (µs per call: kit cold · kit cached · library)",
  );
  const { benchSessionSources } = await load("bench/session-sources.bench.ts");
  for (const [name, f] of Object.entries(await benchSessionSources())) {
    log(
      `${name.padEnd(14)} ${f.coldUs.toFixed(1)} · ${f.cachedUs.toFixed(2)} · ${f.libraryUs.toFixed(1)}`,
    );
    Object.assign(results, {
      [`source_${name}_cold_us`]: f.coldUs,
      [`source_${name}_cached_us`]: f.cachedUs,
      [`source_${name}_library_us`]: f.libraryUs,
      [`ratio_source_${name}_library_vs_cached`]: f.libraryUs / f.cachedUs,
      [`ratio_source_${name}_library_vs_cold`]: f.libraryUs / f.coldUs,
    });
  }
}

// ---- micro: where a logged middleware request's time goes (µs per call, one process) ----------
if (only.has("micro")) {
  log("\n# A logged middleware request, piece by piece (one process, µs per call)");
  const { benchRequestProfile } = await load("bench/request-profile.bench.ts");
  const p = await benchRequestProfile();
  log(
    `middleware: no-op ${p.mwNoopUs} · kit ${p.mwKitUs} · kit + log ${p.mwKitLogUs} µs; the log's pieces: request id ${p.requestIdUs} · HMAC tag ${p.hmacKitUs} (Web Crypto ${p.hmacWebCryptoUs}) · header hand-over ${p.handOverUs} · record ${p.recordUs} µs`,
  );
  Object.assign(results, {
    profile_mw_noop_us: p.mwNoopUs,
    profile_mw_kit_us: p.mwKitUs,
    profile_mw_kit_log_us: p.mwKitLogUs,
    profile_request_id_us: p.requestIdUs,
    profile_hmac_kit_us: p.hmacKitUs,
    profile_hmac_webcrypto_us: p.hmacWebCryptoUs,
    profile_hand_over_us: p.handOverUs,
    profile_record_us: p.recordUs,
    ratio_profile_hmac_webcrypto_vs_kit: p.hmacWebCryptoUs / p.hmacKitUs,
  });
}

// ---- credentials: bearer tokens and API keys (checks per second, one process) ---------------
if (only.has("credentials")) {
  log("\n# Programs as callers (one process, checks per second; µs per verification)");
  const { benchCredentials } = await load("bench/credentials.bench.ts");
  const r = await benchCredentials();
  log(
    `plain ${Math.round(r.plainChecksPerSec)}/s · bearer (key cached) ${Math.round(r.bearerChecksPerSec)}/s · API key warm ${Math.round(r.apiKeyWarmChecksPerSec)}/s · cold ${Math.round(r.apiKeyColdChecksPerSec)}/s (${r.apiKeyColdRoundTripsPerCheck.toFixed(2)} store round trips per check)`,
  );
  for (const [alg, us] of Object.entries(r.verifyUs))
    log(`verify ${alg}: kit ${us.kit} µs · jose jwtVerify ${us.jose} µs`);
  Object.assign(results, {
    credentials_plain_checks: r.plainChecksPerSec,
    credentials_bearer_checks: r.bearerChecksPerSec,
    credentials_apikey_warm_checks: r.apiKeyWarmChecksPerSec,
    credentials_apikey_cold_checks: r.apiKeyColdChecksPerSec,
    credentials_apikey_cold_roundtrips_per_check: r.apiKeyColdRoundTripsPerCheck,
    ratio_bearer_vs_plain: r.bearerChecksPerSec / r.plainChecksPerSec,
    ratio_apikey_warm_vs_plain: r.apiKeyWarmChecksPerSec / r.plainChecksPerSec,
    ...Object.fromEntries(
      Object.entries(r.verifyUs).flatMap(([alg, us]) => [
        [`verify_${alg.toLowerCase()}_kit_us`, us.kit],
        [`verify_${alg.toLowerCase()}_jose_us`, us.jose],
        [`ratio_verify_${alg.toLowerCase()}_jose_vs_kit`, us.jose / us.kit],
      ]),
    ),
  });
}

// ---- micro: Better Auth session reads (µs per call), beside getCookieCache and getSession -------
if (only.has("micro")) {
  log("\n# Better Auth session read cost (one process, µs per call)");
  const { benchBetterAuthRead } = await load("bench/better-auth-read.bench.ts");
  const figures = await benchBetterAuthRead();
  for (const [strategy, r] of Object.entries(figures)) {
    log(
      `${strategy}: kit cold ${r.kitColdUs.toFixed(1)} µs · kit warm ${r.kitWarmUs.toFixed(2)} µs · getCookieCache ${r.getCookieCacheUs.toFixed(1)} µs · auth.api.getSession ${r.getSessionUs.toFixed(1)} µs`,
    );
    Object.assign(results, {
      [`better_auth_${strategy}_cold_us`]: r.kitColdUs,
      [`better_auth_${strategy}_warm_us`]: r.kitWarmUs,
      [`better_auth_${strategy}_get_cookie_cache_us`]: r.getCookieCacheUs,
      [`better_auth_${strategy}_get_session_us`]: r.getSessionUs,
      [`ratio_better_auth_${strategy}_get_cookie_cache_vs_kit_cold`]:
        r.getCookieCacheUs / r.kitColdUs,
      [`ratio_better_auth_${strategy}_get_cookie_cache_vs_kit_warm`]:
        r.getCookieCacheUs / r.kitWarmUs,
    });
  }
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

// ---- lists: the kit's filtered list query vs the same query by hand, on embedded PGlite --------
if (only.has("lists")) {
  log("\n# Lists from policies (embedded PGlite, one process)");
  const { benchLists } = await load("bench/lists.bench.ts");
  const r = await benchLists({
    rows: Number(process.env.BENCH_LIST_ROWS ?? 20_000),
    rounds,
    ms: seconds * 250,
  });
  log(
    `filtered ${Math.round(r.filteredQps)} queries/s · hand-written ${Math.round(r.handWrittenQps)} queries/s · ratio ${r.ratio.toFixed(3)} · filter ${r.filterBuildUs.toFixed(2)} µs · filter + Drizzle where ${r.filterAndWhereUs.toFixed(2)} µs`,
  );
  Object.assign(results, {
    lists_filtered_qps: r.filteredQps,
    lists_hand_written_qps: r.handWrittenQps,
    ratio_lists_filtered_vs_hand_written: r.ratio,
    lists_filter_build_us: r.filterBuildUs,
    lists_filter_and_where_us: r.filterAndWhereUs,
  });
}

// ---- subject freshness: Redis round trips per org-guarded check, cold and warm ----------------
if (only.has("freshness")) {
  log("\n# Subject freshness (org-guarded check, real redis-server, one process)");
  const { startRedisServer, findRedisServerBinary } = await load("tests/support/redis-server.ts");
  const redis = findRedisServerBinary() ? await startRedisServer() : null;
  if (!redis) {
    log("redis-server not found: install it with `sudo apt-get install -y redis-server` (skipped)");
  } else {
    try {
      const { benchSubjectFreshness } = await load("bench/subject-freshness.bench.ts");
      const r = await benchSubjectFreshness(redis.url);
      log(
        `cold cache ${r.coldRoundTripsPerCheck.toFixed(2)} Redis round trips per check (${Math.round(r.coldChecksPerSec)}/s) · warm ${r.warmRoundTripsPerCheck.toFixed(2)} (${Math.round(r.warmChecksPerSec)}/s)`,
      );
      Object.assign(results, {
        freshness_cold_roundtrips_per_check: r.coldRoundTripsPerCheck,
        freshness_warm_roundtrips_per_check: r.warmRoundTripsPerCheck,
        freshness_cold_checks_per_sec: r.coldChecksPerSec,
        freshness_warm_checks_per_sec: r.warmChecksPerSec,
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
  // The kit folder only, as a user copies it: the demo's own lib/ files are not the bench's.
  cpSync(path.join(root, "lib", "authz"), path.join(appDir, "lib", "authz"), { recursive: true });
  // The app lives under this repo, so Node and Next resolve packages from the repo's node_modules.
  writeFileSync(
    path.join(appDir, "package.json"),
    JSON.stringify({ name: "next-authz-kit-bench", private: true }, null, 2),
  );
  if (!existsSync(path.join(appDir, "node_modules")))
    symlinkSync(path.join(root, "node_modules"), path.join(appDir, "node_modules"), "dir");
}

function build(dir, extraEnv = {}) {
  const r = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    // Vite's runnerImport (the micro benches) leaves NODE_ENV=development behind; a build must not inherit it.
    env: {
      ...process.env,
      NODE_ENV: "production",
      AUTH_SECRET: secret,
      NEXT_TELEMETRY_DISABLED: "1",
      ...extraEnv,
    },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`next build failed in ${dir}:\n${r.stdout}\n${r.stderr}`);
}

/** A port nothing listens on now (the kernel's pick), so the bench never measures another server. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function start(dir, port, extraEnv = {}) {
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      AUTH_SECRET: secret,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...extraEnv,
    },
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-2000)));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null)
      throw new Error(`next start exited (${child.exitCode}):\n${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/bench/plain`);
      await res.arrayBuffer();
      if (res.ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error("next start did not come up");
}

// Every route of the bench app, measured in the same server. `send` names the credential every
// request carries: `session` one Auth.js cookie, `cold` a different valid one on every request
// (the kit's verified-token cache never hits), `better-auth` Better Auth's cookies, `bearer` an
// access token (its key cached after the first request), `api-key` one key (its record cached).
const HTTP_ROUTES = [
  { key: "plain", path: "/bench/plain", label: "plain Response.json route" },
  {
    key: "plain_better_auth",
    path: "/bench/plain",
    label: "plain route, Better Auth's cookies sent",
    send: "better-auth",
  },
  { key: "guarded_warm", path: "/bench/guarded", label: "withAuthorization, one session" },
  {
    key: "guarded_cold",
    path: "/bench/guarded",
    label: "withAuthorization, new session per request",
    send: "cold",
  },
  {
    key: "better_auth",
    path: "/bench/better-auth",
    label: "withAuthorization, Better Auth session (cookie cache)",
    send: "better-auth",
  },
  {
    key: "bearer",
    path: "/bench/bearer",
    label: "withAuthorization, bearer token",
    send: "bearer",
  },
  { key: "api_key", path: "/bench/api-key", label: "withAuthorization, API key", send: "api-key" },
  {
    key: "guarded_log",
    path: "/bench/guarded-log",
    label: "withAuthorization, one session, decision log (memory ring)",
  },
  { key: "org_guarded", path: "/bench/org/acme", label: "org policy, account cache warm" },
  { key: "authjs_handler", path: "/bench/authjs", label: "auth() inside the handler" },
  { key: "mw_unmatched", path: "/bench/mw-none", label: "no middleware match" },
  { key: "mw_noop", path: "/bench/mw-noop", label: "no-op middleware (platform floor)" },
  { key: "mw_kit", path: "/bench/mw-kit", label: "kit middleware, valid session" },
  { key: "mw_kit_log", path: "/bench/mw-kit-log", label: "the same, decision log (id handed on)" },
  { key: "mw_authjs", path: "/bench/mw-authjs", label: "Auth.js auth() middleware wrapper" },
];
// ratio_<a>_vs_<b> = rps_<a> / rps_<b>: the name says what it divides.
const HTTP_RATIOS = [
  ["guarded_warm", "plain"],
  ["guarded_cold", "plain"],
  // Better Auth against the plain route with the same cookies; machine callers against plain.
  ["better_auth", "plain_better_auth"],
  ["bearer", "plain"],
  ["api_key", "plain"],
  ["org_guarded", "plain"],
  ["org_guarded", "guarded_warm"],
  ["authjs_handler", "plain"],
  ["mw_noop", "mw_unmatched"],
  ["mw_kit", "mw_noop"],
  // The decision log's cost: against plain, and against the same route unlogged.
  ["guarded_log", "plain"],
  ["guarded_log", "guarded_warm"],
  ["mw_kit_log", "mw_noop"],
  ["mw_authjs", "mw_noop"],
];

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** An autocannon run; `headers` is one set of headers, or a list to take a new set per request. */
const run = (url, headers, duration) =>
  new Promise((resolve, reject) => {
    const options = { url, connections, duration };
    if (typeof headers.next !== "function") options.headers = headers;
    else
      options.requests = [
        { method: "GET", setupRequest: (req) => ({ ...req, headers: headers.next() }) },
      ];
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });

/**
 * Each route for `seconds` per round, `rounds` rounds in alternating order after a warm-up; every
 * response must be a 2xx. Records `rps_<key>` (the mean) and returns each route's per-round req/s.
 */
async function measureRounds(routes, urlOf, headersFor) {
  for (const r of routes) await run(urlOf(r), headersFor(r), 2); // warm-up
  const rps = Object.fromEntries(routes.map((r) => [r.key, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? routes : [...routes].reverse();
    for (const r of order) {
      const result = await run(urlOf(r), headersFor(r), seconds);
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`${urlOf(r)}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      rps[r.key].push(result.requests.average);
    }
  }
  for (const r of routes) {
    const mean = rps[r.key].reduce((a, b) => a + b, 0) / rps[r.key].length;
    results[`rps_${r.key}`] = mean;
    log(
      `${r.label.padEnd(44)} ${mean.toFixed(0).padStart(6)} req/s   (rounds: ${rps[r.key].map((v) => v.toFixed(0)).join(", ")})`,
    );
  }
  return rps;
}

if (only.has("http")) {
  log(
    `\n# Throughput on next start (autocannon -c ${connections}, ${seconds} s per route per round, ${rounds} rounds in alternating order; ratios are the median of the per-round ratios)`,
  );
  prepareBenchApp();
  // The bearer route's issuer: a JWKS served from this process for the whole run; the API key the
  // server stores (by its hash) at start.
  const { startTestIssuer, accessClaims } = await load("tests/support/oidc-issuer.ts");
  const issuer = await startTestIssuer(["ES256"]);
  const audience = "https://bench.example";
  const apiKey = `sk_bench_${"0123456789abcdef".repeat(2)}`;
  const appEnv = {
    BENCH_ISSUER: issuer.issuer,
    BENCH_AUDIENCE: audience,
    BENCH_JWKS_URL: issuer.jwksUrl,
    BENCH_API_KEY: apiKey,
  };
  log("building the bench app ...");
  build(appDir, appEnv);
  // Sessions first: made after the server is up, they would leave its idle keep-alive sockets to
  // time out under the probes below.
  const salt = "authjs.session-token";
  const { encode } = await import("next-auth/jwt");
  const token = await encode({
    token: { sub: "user-bench", name: "Bench", role: "member" },
    secret,
    salt,
    maxAge: 3600,
  });
  const cookie = `${salt}=${token}`;
  const { signedUpCookie } = await load("bench/better-auth-read.bench.ts");
  const betterAuthCookie = (await signedUpCookie("compact", 3600)).cookie;
  const accessToken = await issuer.sign(
    accessClaims(issuer, audience, { sub: "user-bench", exp: 4_000_000_000 }),
  );
  // Enough distinct sessions that none repeats in the cold runs at up to 2000 req/s.
  const { coldSessionCookies } = await load("bench/cold-sessions.ts");
  const coldList = await coldSessionCookies(secret, salt, 2000 * (2 + rounds * seconds));
  let coldNext = 0;
  let coldWraps = 0;
  const cold = {
    next() {
      if (coldNext === coldList.length) {
        coldNext = 0;
        coldWraps++;
      }
      return coldList[coldNext++];
    },
  };
  const port = await freePort();
  const server = await start(appDir, port, appEnv);
  try {
    const sent = {
      session: { cookie },
      "better-auth": { cookie: betterAuthCookie },
      bearer: { authorization: `Bearer ${accessToken}` },
      "api-key": { "x-api-key": apiKey },
    };
    const coldHeaders = { next: () => ({ cookie: cold.next() }) };
    const headersFor = (route) =>
      route.send === "cold" ? coldHeaders : sent[route.send ?? "session"];
    // Every route must answer 200 with its credentials, or its figure means nothing.
    const probes = HTTP_ROUTES.flatMap((r) =>
      r.send === "cold"
        ? [coldList[0], coldList.at(-1)].map((c) => [r.path, { cookie: c }])
        : [[r.path, headersFor(r)]],
    );
    for (const [p, headers] of probes) {
      const res = await fetch(`http://127.0.0.1:${port}${p}`, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}, not 200`);
    }
    const rps = await measureRounds(
      HTTP_ROUTES,
      (r) => `http://127.0.0.1:${port}${r.path}`,
      headersFor,
    );
    log(
      `cold sessions: ${coldList.length} distinct tokens, ${coldNext + coldWraps * coldList.length} sent` +
        (coldWraps > 0
          ? ` (the list wrapped ${coldWraps}×; still far above the cache's 1000)`
          : ""),
    );
    for (const [a, b] of HTTP_RATIOS)
      results[`ratio_${a}_vs_${b}`] = median(rps[a].map((v, i) => v / rps[b][i]));
  } finally {
    server.kill("SIGTERM");
    await issuer.stop();
  }
}

// ---- the demo as shipped: its middleware and decision log (collector and all), same builds ------
// Two copies of the demo built side by side: as shipped plus a plain route, and the same with
// middleware.ts swapped for a no-op that keeps its matcher. Alice's cookie on every request.
const DEMO_FILES = [
  "app",
  "lib",
  "public",
  "middleware.ts",
  "instrumentation.ts",
  "next.config.ts",
];

function prepareDemoCopy(name, noopMiddleware) {
  const dir = path.join(root, ".tmp", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of [...DEMO_FILES, "tsconfig.json", "next-env.d.ts"])
    if (existsSync(path.join(root, file)))
      cpSync(path.join(root, file), path.join(dir, file), { recursive: true });
  cpSync(
    path.join(benchDir, "app-template", "app", "bench", "plain"),
    path.join(dir, "app", "bench", "plain"),
    { recursive: true },
  );
  if (noopMiddleware) {
    const shipped = readFileSync(path.join(root, "middleware.ts"), "utf8");
    const config = shipped.slice(shipped.indexOf("export const config"));
    writeFileSync(
      path.join(dir, "middleware.ts"),
      `import { NextResponse } from "next/server";\n\nexport default function middleware() {\n  return NextResponse.next();\n}\n\n${config}`,
    );
  }
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `next-authz-kit-${name}`, private: true }, null, 2),
  );
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

const DEMO_ROUTES = [
  { key: "demo_plain", path: "/bench/plain", label: "demo build: plain route", server: "demo" },
  { key: "demo_me", path: "/api/me", label: "demo: GET /api/me (handler, log on)", server: "demo" },
  {
    key: "demo_admin_noop",
    path: "/api/admin/users",
    label: "demo, no-op middleware: GET /api/admin/users",
    server: "noop",
  },
  {
    key: "demo_admin",
    path: "/api/admin/users",
    label: "demo as shipped: GET /api/admin/users",
    server: "demo",
  },
];

if (only.has("demo")) {
  log(
    `\n# The demo as shipped (decision log on), next start, alice's session: ${rounds} rounds of ${seconds} s`,
  );
  const demoDir = prepareDemoCopy("bench-demo", false);
  const noopDir = prepareDemoCopy("bench-demo-noop", true);
  log("building the demo and its no-op-middleware twin ...");
  build(demoDir);
  build(noopDir);
  const { encode } = await import("next-auth/jwt");
  const { DEMO_CLAIMS } = await load("tests/support/demo-sessions.ts");
  const salt = "authjs.session-token";
  const token = await encode({ token: DEMO_CLAIMS.alice, secret, salt, maxAge: 3600 });
  const headers = { cookie: `${salt}=${token}` };
  const ports = { demo: await freePort(), noop: await freePort() };
  const servers = [await start(demoDir, ports.demo), await start(noopDir, ports.noop)];
  try {
    const rps = await measureRounds(
      DEMO_ROUTES,
      (r) => `http://127.0.0.1:${ports[r.server]}${r.path}`,
      () => headers,
    );
    const ratio = (a, b) => median(rps[a].map((v, i) => v / rps[b][i]));
    results.ratio_demo_me_vs_demo_plain = ratio("demo_me", "demo_plain");
    results.ratio_demo_admin_vs_demo_admin_noop = ratio("demo_admin", "demo_admin_noop");
  } finally {
    for (const server of servers) server.kill("SIGTERM");
  }
}

// ---- Edge middleware bundles, gzip -9: the demo's, and every floor it is compared with --------
// Each variant is its own tiny app (bench/bundle-app + bench/bundle-variants/<name>.middleware.ts),
// built here so no size is a remembered literal.
const BUNDLE_VARIANTS = ["noop", "zod-mini", "zod", "authjs"];
// One credential source each, imported from a copy of lib/authz/: each source's share of a bundle.
const SOURCE_VARIANTS = [
  "source-authjs",
  "source-better-auth",
  "source-supabase",
  "source-clerk",
  "source-signed-cookie",
  "source-sealed-cookie",
];

function prepareBundleApp(variant) {
  const dir = path.join(root, ".tmp", `bench-bundle-${variant}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(benchDir, "bundle-app"), dir, { recursive: true });
  cpSync(
    path.join(benchDir, "bundle-variants", `${variant}.middleware.ts`),
    path.join(dir, "middleware.ts"),
  );
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `next-authz-kit-bundle-${variant}`, private: true }, null, 2),
  );
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  // Every variant has the kit at lib/authz: the source variants import it, and Next builds this
  // repository's instrumentation.ts into apps under it (the workspace root), whose imports of
  // `@/lib/authz` resolve in the app. The middleware imports only what its variant names.
  cpSync(path.join(root, "lib", "authz"), path.join(dir, "lib", "authz"), { recursive: true });
  return dir;
}

if (only.has("bundle")) {
  log("\n# Edge middleware bundles (all .next/server/edge/chunks/*.js, gzip -9)");
  const { benchMiddlewareBundle } = await load("bench/middleware.bench.ts");
  const weigh = async (name, dir) => {
    const { edgeBundleGzipBytes, files } = await benchMiddlewareBundle(dir);
    const kb = edgeBundleGzipBytes / 1024;
    results[`bundle_${name.replace(/-/g, "_")}_kb`] = kb;
    log(`${name.padEnd(10)} ${files} chunks, ${kb.toFixed(1)} KB gzipped`);
  };
  log("building the demo ...");
  build(root);
  await weigh("demo", root);
  for (const variant of BUNDLE_VARIANTS) {
    log(`building the ${variant} middleware ...`);
    const dir = prepareBundleApp(variant);
    build(dir);
    await weigh(variant, dir);
  }
  for (const name of ["demo", "zod_mini", "zod", "authjs"])
    results[`bundle_${name}_over_noop_kb`] = results[`bundle_${name}_kb`] - results.bundle_noop_kb;
  for (const variant of SOURCE_VARIANTS) {
    log(`building the ${variant} middleware ...`);
    const dir = prepareBundleApp(variant);
    build(dir);
    await weigh(variant, dir);
    const name = variant.replace(/-/g, "_");
    results[`bundle_${name}_over_noop_kb`] = results[`bundle_${name}_kb`] - results.bundle_noop_kb;
  }
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

const { checkTargets, describeTarget } = await load("bench/targets.ts");
const checks = checkTargets(results);
log("\n# Targets (bench/targets.ts, as the README states them)");
for (const c of checks) {
  const measured = c.measured === undefined ? "not measured" : c.measured.toFixed(3);
  const verdict = c.measured === undefined ? "-" : c.met ? "met" : "MISSED";
  log(`${verdict.padEnd(6)} ${c.metric} = ${measured} (target ${describeTarget(c.target)})`);
}

const round2 = (v) => Math.round(v * 100) / 100;
const record = {
  date: new Date().toISOString(),
  node: process.versions.node,
  next: JSON.parse(readFileSync(path.join(root, "node_modules/next/package.json"), "utf8")).version,
  cpus: availableParallelism(),
  loadAverage: { start: round2(loadAtStart), end: round2(loadavg()[0]) },
  results: Object.fromEntries(entries.map(([k, v]) => [k, Math.round(v * 1000) / 1000])),
};
mkdirSync(path.join(root, "bench-results"), { recursive: true });
writeFileSync(
  path.join(root, "bench-results", "latest.json"),
  `${JSON.stringify(record, null, 2)}\n`,
);

if (process.argv.includes("--update-docs")) {
  // The docs quote one whole run: a partial run (BENCH_ONLY) cannot update them.
  if (only.size < 4) throw new Error("--update-docs needs a full run (unset BENCH_ONLY)");
  await updateDocs(record);
}

if (process.argv.includes("--check")) {
  const missed = checks.filter((c) => c.measured !== undefined && !c.met);
  if (missed.length > 0) {
    console.error(
      `\n--check: ${missed.length} target(s) missed: ${missed.map((c) => c.metric).join(", ")}`,
    );
    process.exit(1);
  }
  log("\n--check: every measured target met.");
}
process.exit(0);
