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

type Unit = "req/s" | "µs" | "ops/s" | "KB";

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
];

/** docs/middleware.md's throughput table: the middleware rows of the performance table. */
export const MIDDLEWARE_ROWS: readonly BenchRow[] = PERFORMANCE_ROWS.filter((row) =>
  row.metric.startsWith("rps_mw_"),
);

function formatFigure(value: number, unit: Unit): string {
  if (unit === "req/s") return `${Math.round(value)} req/s`;
  if (unit === "µs") return `${value.toFixed(value < 10 ? 2 : 1)} µs per call`;
  if (unit === "KB") return `${value.toFixed(1)} KB`;
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
