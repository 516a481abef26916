/**
 * Turns one `npm run bench` run into the tables the README and docs/middleware.md quote, so every
 * figure there comes from the same run (recorded in bench/last-run.json). `npm run bench --
 * --update-docs` rewrites the generated blocks; tests/unit/bench-report.test.ts checks that the
 * committed docs still match the committed run.
 */
import { BENCH_TARGETS, describeTarget } from "./targets";

/** One full run of `npm run bench`, as recorded in bench/last-run.json. */
export interface BenchRun {
  /** ISO time the run finished. */
  readonly date: string;
  readonly node: string;
  readonly next: string;
  readonly cpus: number;
  /** The machine's 1-minute load average when the run started and ended. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  /** Every `name=value` line of the run. */
  readonly results: Readonly<Record<string, number>>;
}

type Unit = "req/s" | "µs" | "ops/s" | "KB" | "queries/s" | "round trips";

/** A row of a generated table: a figure, optionally a ratio, and its target from ./targets.ts. */
export interface BenchRow {
  readonly label: string;
  readonly metric: string;
  readonly unit: Unit;
  /** `{}` is replaced by the ratio's value (two decimals, or one for "×" phrases). */
  readonly ratio?: { readonly metric: string; readonly phrase: string };
  /** The metric whose target the row shows (the ratio's, or the figure's own). */
  readonly target?: string;
  /** Shown in the target column when there is no target. */
  readonly reference?: boolean;
}

/** The README's performance table, top to bottom. */
export const PERFORMANCE_ROWS: readonly BenchRow[] = [
  { label: "plain `Response.json` route", metric: "rps_plain", unit: "req/s" },
  {
    label: "the same route behind `withAuthorization`, one session on every request (warm cache)",
    metric: "rps_guarded_warm",
    unit: "req/s",
    ratio: { metric: "ratio_guarded_warm_vs_plain", phrase: "**{}** of plain" },
    target: "ratio_guarded_warm_vs_plain",
  },
  {
    label: "the same route behind `withAuthorization`, a different session on every request (cold)",
    metric: "rps_guarded_cold",
    unit: "req/s",
    ratio: { metric: "ratio_guarded_cold_vs_plain", phrase: "**{}** of plain" },
    target: "ratio_guarded_cold_vs_plain",
  },
  {
    label: "the same route calling Auth.js `auth()` itself",
    metric: "rps_authjs_handler",
    unit: "req/s",
    ratio: { metric: "ratio_authjs_handler_vs_plain", phrase: "{} of plain" },
    reference: true,
  },
  { label: "route with no middleware match", metric: "rps_mw_unmatched", unit: "req/s" },
  {
    label: "behind a no-op middleware (the platform's floor)",
    metric: "rps_mw_noop",
    unit: "req/s",
    ratio: { metric: "ratio_mw_noop_vs_mw_unmatched", phrase: "{} of unmatched" },
    reference: true,
  },
  {
    label: "behind the kit's middleware, valid session",
    metric: "rps_mw_kit",
    unit: "req/s",
    ratio: { metric: "ratio_mw_kit_vs_mw_noop", phrase: "**{}** of no-op" },
    target: "ratio_mw_kit_vs_mw_noop",
  },
  {
    label: "behind Auth.js's `auth()` middleware wrapper",
    metric: "rps_mw_authjs",
    unit: "req/s",
    ratio: { metric: "ratio_mw_authjs_vs_mw_noop", phrase: "{} of no-op" },
    reference: true,
  },
  {
    label: "behind the kit's middleware, decision log on (request id handed on)",
    metric: "rps_mw_kit_log",
    unit: "req/s",
    ratio: { metric: "ratio_mw_kit_log_vs_mw_noop", phrase: "{} of no-op" },
    reference: true,
  },
  {
    label: "`withAuthorization`, decision log on (memory ring)",
    metric: "rps_guarded_log",
    unit: "req/s",
    ratio: { metric: "ratio_guarded_log_vs_plain", phrase: "{} of plain" },
    reference: true,
  },
  {
    label: "`withAuthorization`, Better Auth's cookie cache (plain route sent the same cookies)",
    metric: "rps_better_auth",
    unit: "req/s",
    ratio: { metric: "ratio_better_auth_vs_plain_better_auth", phrase: "**{}** of plain" },
    target: "ratio_better_auth_vs_plain_better_auth",
  },
  {
    label: "`withAuthorization`, bearer access token (its issuer's key cached)",
    metric: "rps_bearer",
    unit: "req/s",
    ratio: { metric: "ratio_bearer_vs_plain", phrase: "**{}** of plain" },
    target: "ratio_bearer_vs_plain",
  },
  {
    label: "`withAuthorization`, API key (its record cached)",
    metric: "rps_api_key",
    unit: "req/s",
    ratio: { metric: "ratio_api_key_vs_plain", phrase: "**{}** of plain" },
    target: "ratio_api_key_vs_plain",
  },
  {
    label: "API key with its cache off: store lookups per check",
    metric: "credentials_apikey_cold_roundtrips_per_check",
    unit: "round trips",
    target: "credentials_apikey_cold_roundtrips_per_check",
  },
  {
    label: "the demo as built: a plain route, alice's cookie",
    metric: "rps_demo_plain",
    unit: "req/s",
  },
  {
    label: "the demo as shipped: `GET /api/me` (handler check, decision log on)",
    metric: "rps_demo_me",
    unit: "req/s",
    ratio: { metric: "ratio_demo_me_vs_demo_plain", phrase: "**{}** of plain" },
    target: "ratio_demo_me_vs_demo_plain",
  },
  {
    label: "the demo with a no-op middleware: `GET /api/admin/users` as alice",
    metric: "rps_demo_admin_noop",
    unit: "req/s",
  },
  {
    label:
      "the demo as shipped: `GET /api/admin/users` (middleware, handler, log to the collector)",
    metric: "rps_demo_admin",
    unit: "req/s",
    ratio: { metric: "ratio_demo_admin_vs_demo_admin_noop", phrase: "**{}** of no-op" },
    target: "ratio_demo_admin_vs_demo_admin_noop",
  },
  {
    label: "a list from the policy's filter (PGlite, 20 000 rows)",
    metric: "lists_filtered_qps",
    unit: "queries/s",
    ratio: {
      metric: "ratio_lists_filtered_vs_hand_written",
      phrase: "**{}** of the hand-written query",
    },
    target: "ratio_lists_filtered_vs_hand_written",
  },
  {
    label: "the same list, `where` written by hand",
    metric: "lists_hand_written_qps",
    unit: "queries/s",
    reference: true,
  },
  {
    label: "building the filter for one subject",
    metric: "lists_filter_build_us",
    unit: "µs",
    target: "lists_filter_build_us",
  },
  {
    label: "session read, kit, cold (Web Crypto, no cache)",
    metric: "session_cold_us",
    unit: "µs",
    ratio: { metric: "ratio_session_decode_vs_kit_cold", phrase: "{}× cheaper than `decode`" },
    target: "session_cold_us",
  },
  {
    label: "session read, kit, warm (verified-token cache)",
    metric: "session_warm_us",
    unit: "µs",
    ratio: { metric: "ratio_session_decode_vs_kit_warm", phrase: "{}× cheaper than `decode`" },
    target: "session_warm_us",
  },
  {
    label: "session read, `decode` from `next-auth/jwt`",
    metric: "session_decode_us",
    unit: "µs",
    reference: true,
  },
  { label: "rate limit, memory store", metric: "ratelimit_memory_ops", unit: "ops/s" },
  {
    label: "rate limit, Redis store (Lua, 64 in flight)",
    metric: "ratelimit_redis_ops",
    unit: "ops/s",
    ratio: { metric: "ratio_redis_limiter_vs_raw_incr", phrase: "**{}** of raw pipelined `INCR`" },
    target: "ratio_redis_limiter_vs_raw_incr",
  },
  {
    label: "rate limit, raw pipelined `INCR` on the same Redis",
    metric: "ratelimit_raw_incr_ops",
    unit: "ops/s",
    reference: true,
  },
  {
    label: "the demo's Edge middleware bundle (gzip -9)",
    metric: "bundle_demo_kb",
    unit: "KB",
    ratio: { metric: "bundle_demo_over_noop_kb", phrase: "{} KB over the no-op floor" },
    target: "bundle_demo_kb",
  },
];

/** docs/middleware.md's rows for one credential source each imported into a no-op middleware. */
const SOURCE_BUNDLE_ROWS: readonly BenchRow[] = [
  ["authjs", "`authJsSession`"],
  ["better_auth", "`betterAuthSession`"],
  ["supabase", "`supabaseSession`"],
  ["clerk", "`clerkSession`"],
  ["signed_cookie", "`signedCookie`"],
  ["sealed_cookie", "`sealedCookie`"],
].map(([name, source]) => ({
  label: `no-op + ${source} (one credential source)`,
  metric: `bundle_source_${name}_kb`,
  unit: "KB" as const,
  ratio: { metric: `bundle_source_${name}_over_noop_kb`, phrase: "+{} KB" },
  target: `bundle_source_${name}_kb`,
}));

/** docs/middleware.md's bundle-size table: every build weighed by the same run. */
export const BUNDLE_ROWS: readonly BenchRow[] = [
  {
    label: "no-op middleware, imports nothing of the kit (platform floor)",
    metric: "bundle_noop_kb",
    unit: "KB",
    reference: true,
  },
  {
    label: "**this demo's middleware.ts**",
    metric: "bundle_demo_kb",
    unit: "KB",
    ratio: { metric: "bundle_demo_over_noop_kb", phrase: "+{} KB" },
    target: "bundle_demo_kb",
  },
  {
    label: "no-op + `zod/mini` claims schema",
    metric: "bundle_zod_mini_kb",
    unit: "KB",
    ratio: { metric: "bundle_zod_mini_over_noop_kb", phrase: "+{} KB" },
    reference: true,
  },
  {
    label: "no-op + full `zod` claims schema",
    metric: "bundle_zod_kb",
    unit: "KB",
    ratio: { metric: "bundle_zod_over_noop_kb", phrase: "+{} KB" },
    reference: true,
  },
  {
    label: "Auth.js `auth()` middleware wrapper",
    metric: "bundle_authjs_kb",
    unit: "KB",
    ratio: { metric: "bundle_authjs_over_noop_kb", phrase: "+{} KB" },
    reference: true,
  },
  ...SOURCE_BUNDLE_ROWS,
];

/** The libraries each credential source is checked against (bench/session-sources.bench.ts). */
const SOURCE_LIBRARIES: readonly (readonly [string, string, string])[] = [
  ["signed_cookie", "a jose-signed cookie", "jose `jwtVerify`"],
  ["sealed_cookie", "an iron-session cookie", "`unsealData`"],
  ["clerk", "Clerk's `__session`", "`verifyToken` (@clerk/backend)"],
  ["supabase", "Supabase's auth cookie", "jose `jwtVerify` on the JWKS"],
];

/** docs/sessions.md's table: each source cold and cached beside its library's own verifier. */
export const SOURCE_ROWS: readonly BenchRow[] = [
  ...SOURCE_LIBRARIES.flatMap(([name, what, library]): BenchRow[] => [
    {
      label: `${what}, kit, cached`,
      metric: `source_${name}_cached_us`,
      unit: "µs",
      ratio: { metric: `ratio_source_${name}_library_vs_cached`, phrase: "{}× faster" },
      target: `ratio_source_${name}_library_vs_cached`,
    },
    {
      label: `${what}, kit, cold`,
      metric: `source_${name}_cold_us`,
      unit: "µs",
      ratio: { metric: `ratio_source_${name}_library_vs_cold`, phrase: "{}× faster" },
      target: `ratio_source_${name}_library_vs_cold`,
    },
    {
      label: `${what}, ${library}`,
      metric: `source_${name}_library_us`,
      unit: "µs",
      reference: true,
    },
  ]),
  ...(["compact", "jwt", "jwe"] as const).flatMap((strategy): BenchRow[] => [
    {
      label: `Better Auth \`${strategy}\` cookie cache, kit, cached`,
      metric: `better_auth_${strategy}_warm_us`,
      unit: "µs",
      ratio: {
        metric: `ratio_better_auth_${strategy}_get_cookie_cache_vs_kit_warm`,
        phrase: "{}× faster",
      },
      target: `ratio_better_auth_${strategy}_get_cookie_cache_vs_kit_warm`,
    },
    {
      label: `Better Auth \`${strategy}\` cookie cache, kit, cold`,
      metric: `better_auth_${strategy}_cold_us`,
      unit: "µs",
      ratio: {
        metric: `ratio_better_auth_${strategy}_get_cookie_cache_vs_kit_cold`,
        phrase: "{}× faster",
      },
      target: `ratio_better_auth_${strategy}_get_cookie_cache_vs_kit_cold`,
    },
    {
      label: `Better Auth \`${strategy}\`, its own \`getCookieCache\``,
      metric: `better_auth_${strategy}_get_cookie_cache_us`,
      unit: "µs",
      reference: true,
    },
  ]),
  ...(["es256", "rs256", "eddsa"] as const).flatMap((alg): BenchRow[] => [
    {
      label: `bearer token signature, ${alg.toUpperCase()}, kit`,
      metric: `verify_${alg}_kit_us`,
      unit: "µs",
      ratio: { metric: `ratio_verify_${alg}_jose_vs_kit`, phrase: "{}× jose's speed" },
      reference: true,
    },
    {
      label: `bearer token signature, ${alg.toUpperCase()}, jose \`jwtVerify\``,
      metric: `verify_${alg}_jose_us`,
      unit: "µs",
      reference: true,
    },
  ]),
];

/** docs/middleware.md's profile of one logged middleware request, piece by piece (issue 23.8). */
export const PROFILE_ROWS: readonly BenchRow[] = [
  {
    label: "no-op middleware, the call itself",
    metric: "profile_mw_noop_us",
    unit: "µs",
    reference: true,
  },
  {
    label: "the kit's middleware, valid session (warm)",
    metric: "profile_mw_kit_us",
    unit: "µs",
    reference: true,
  },
  {
    label: "the same with the decision log (id handed on, event recorded)",
    metric: "profile_mw_kit_log_us",
    unit: "µs",
    reference: true,
  },
  {
    label: "the log's pieces: a request id (`crypto.randomUUID`)",
    metric: "profile_request_id_us",
    unit: "µs",
    reference: true,
  },
  {
    label: "its HMAC tag, the kit's synchronous HMAC-SHA256",
    metric: "profile_hmac_kit_us",
    unit: "µs",
    ratio: { metric: "ratio_profile_hmac_webcrypto_vs_kit", phrase: "{}× cheaper than Web Crypto" },
    reference: true,
  },
  {
    label: "the same tag through Web Crypto (what it replaced)",
    metric: "profile_hmac_webcrypto_us",
    unit: "µs",
    reference: true,
  },
  {
    label: "handing the id on: the request headers copied into `NextResponse.next`",
    metric: "profile_hand_over_us",
    unit: "µs",
    reference: true,
  },
  {
    label: "recording the event (memory ring)",
    metric: "profile_record_us",
    unit: "µs",
    reference: true,
  },
];

/** docs/middleware.md's throughput table: the middleware rows of the performance table. */
export const MIDDLEWARE_ROWS: readonly BenchRow[] = PERFORMANCE_ROWS.filter((row) =>
  row.metric.startsWith("rps_mw_"),
);

function formatFigure(value: number, unit: Unit): string {
  if (unit === "req/s") return `${Math.round(value)} req/s`;
  if (unit === "µs") return `${value.toFixed(value < 10 ? 2 : 1)} µs per call`;
  if (unit === "KB") return `${value.toFixed(1)} KB`;
  if (unit === "queries/s") return `${Math.round(value)} queries/s`;
  if (unit === "round trips") return `${value.toFixed(2)} store round trips per check`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} M decisions/s`;
  return `${(value / 1e3).toFixed(1)} k decisions/s`;
}

function formatRatio(value: number, phrase: string): string {
  const digits = phrase.includes("×") ? 1 : phrase.includes("KB") ? 1 : 2;
  return phrase.replace("{}", value.toFixed(digits));
}

/** The cells of one row, in column order: what, figure, ratio, target. */
export function rowCells(row: BenchRow, results: Readonly<Record<string, number>>): string[] {
  const figure = results[row.metric];
  const ratio = row.ratio ? results[row.ratio.metric] : undefined;
  const target = row.target ? BENCH_TARGETS[row.target] : undefined;
  return [
    row.label,
    figure === undefined ? "not measured" : formatFigure(figure, row.unit),
    row.ratio && ratio !== undefined ? formatRatio(ratio, row.ratio.phrase) : "",
    target ? describeTarget(target) : row.reference ? "(reference)" : "",
  ];
}

/** A Markdown table of `rows` (Prettier re-pads it; the cells are what count). */
export function renderTable(
  rows: readonly BenchRow[],
  run: BenchRun,
  headers: readonly string[] = ["what", "figure", "ratio", "target"],
): string {
  const lines = [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${rowCells(row, run.results).join(" | ")} |`),
  ];
  return lines.join("\n");
}

/** The sentence above each generated table that names the run it comes from. */
export function runNote(run: BenchRun): string {
  const when = run.date.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
  const load = `load average ${run.loadAverage.start} at the start, ${run.loadAverage.end} at the end`;
  return (
    `One run of \`npm run bench\`, ${when}: Node ${run.node}, Next ${run.next}, ${run.cpus} cores ` +
    `shared with other work (${load}; recorded in \`bench/last-run.json\`). Compare ratios, ` +
    "not absolute numbers."
  );
}

/** The generated blocks, by marker name. */
export function renderBlocks(run: BenchRun): Record<string, string> {
  return {
    "performance-table": `${runNote(run)}\n\n${renderTable(PERFORMANCE_ROWS, run)}`,
    "bundle-table": `${runNote(run)}\n\n${renderTable(BUNDLE_ROWS, run, ["build", "gzip -9", "over the floor", "target"])}`,
    "middleware-throughput": `${runNote(run)}\n\n${renderTable(MIDDLEWARE_ROWS, run)}`,
    "request-profile": `${runNote(run)}\n\n${renderTable(PROFILE_ROWS, run, ["piece", "cost", "", ""])}`,
    "sources-table": `${runNote(run)}\n\n${renderTable(SOURCE_ROWS, run, ["reader", "cost", "beside its library", "target"])}`,
  };
}

const blockPattern = (name: string) =>
  new RegExp(`(<!-- bench:${name} [^>]*-->)([\\s\\S]*?)(<!-- /bench:${name} -->)`);

/** The text of a generated block in a document, or undefined when the markers are missing. */
export function readBlock(document: string, name: string): string | undefined {
  return blockPattern(name).exec(document)?.[2]?.trim();
}

/** Replaces every generated block the document has; throws when a marker pair is broken. */
export function replaceBlocks(document: string, blocks: Readonly<Record<string, string>>): string {
  let out = document;
  for (const [name, text] of Object.entries(blocks)) {
    if (!out.includes(`<!-- bench:${name} `)) continue;
    if (!blockPattern(name).test(out)) throw new Error(`bench:${name}: no closing marker`);
    out = out.replace(blockPattern(name), (_, open: string, _old: string, close: string) =>
      text === "" ? `${open}\n${close}` : `${open}\n\n${text}\n\n${close}`,
    );
  }
  return out;
}

/** The cells of every body row of the Markdown tables in `text`, trimmed (formatting ignored). */
export function tableCells(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.trimStart().startsWith("|") && !/^\|[\s|:-]+\|$/.test(line.trim()))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, "")
        .split("|")
        .map((cell) => cell.trim()),
    );
}
