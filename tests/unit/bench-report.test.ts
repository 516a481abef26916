/**
 * docs/performance.md and docs/middleware.md quote one bench run: their generated tables are exactly what
 * bench/report.ts renders from bench/last-run.json, every stated target is in bench/targets.ts (the
 * table `npm run bench -- --check` enforces), and the check itself fails a missed target.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUNDLE_ROWS,
  MIDDLEWARE_ROWS,
  PERFORMANCE_ROWS,
  PROFILE_ROWS,
  SOURCE_ROWS,
  readBlock,
  renderBlocks,
  replaceBlocks,
  tableCells,
  type BenchRun,
} from "../../bench/report";
import { BENCH_TARGETS, checkTargets, describeTarget } from "../../bench/targets";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const lastRun = JSON.parse(read("bench/last-run.json")) as BenchRun;

describe("checkTargets", () => {
  const targets = { ratio_x_vs_y: { atLeast: 0.8 }, cost_us: { atMost: 150, unit: "µs" } };

  it("fails a ratio under its floor and a cost over its ceiling", () => {
    const checks = checkTargets({ ratio_x_vs_y: 0.79, cost_us: 150.5 }, targets);
    expect(checks.map((c) => [c.metric, c.met])).toEqual([
      ["ratio_x_vs_y", false],
      ["cost_us", false],
    ]);
  });

  it("passes figures on or inside their bounds", () => {
    const checks = checkTargets({ ratio_x_vs_y: 0.8, cost_us: 150 }, targets);
    expect(checks.map((c) => c.met)).toEqual([true, true]);
  });

  it("never counts an unmeasured or non-finite figure as met", () => {
    const checks = checkTargets({ cost_us: Number.NaN }, targets);
    expect(checks.map((c) => [c.measured, c.met])).toEqual([
      [undefined, false],
      [Number.NaN, false],
    ]);
  });

  it("writes bounds the way the README does", () => {
    expect(describeTarget({ atLeast: 0.8 })).toBe("≥ 0.8");
    expect(describeTarget({ atMost: 72, unit: "KB" })).toBe("≤ 72 KB");
  });
});

describe("the recorded run", () => {
  it("has every figure a generated table shows", () => {
    const rows = [
      ...PERFORMANCE_ROWS,
      ...BUNDLE_ROWS,
      ...MIDDLEWARE_ROWS,
      ...SOURCE_ROWS,
      ...PROFILE_ROWS,
    ];
    const missing = rows
      .flatMap((row) => [row.metric, ...(row.ratio ? [row.ratio.metric] : [])])
      .filter((metric) => typeof lastRun.results[metric] !== "number");
    expect(missing).toEqual([]);
  });

  it("shows every target of bench/targets.ts in a generated table", () => {
    const shown = [...PERFORMANCE_ROWS, ...BUNDLE_ROWS, ...SOURCE_ROWS].flatMap((row) =>
      row.target ? [row.target] : [],
    );
    expect([...new Set(shown)].sort()).toEqual(Object.keys(BENCH_TARGETS).sort());
  });
});

describe.each([
  ["docs/performance.md", ["performance-table"]],
  ["docs/middleware.md", ["bundle-table", "middleware-throughput", "request-profile"]],
  ["docs/sessions.md", ["sources-table"]],
])("%s quotes bench/last-run.json", (file, names) => {
  const document = read(file);
  const blocks = renderBlocks(lastRun);

  it.each(names)("block %s: the run's note and exactly the rendered cells", (name) => {
    const quoted = readBlock(document, name);
    expect(quoted, `no <!-- bench:${name} --> block in ${file}`).toBeDefined();
    const expected = blocks[name]!;
    expect(quoted).toContain(expected.split("\n")[0]!);
    expect(tableCells(quoted!)).toEqual(tableCells(expected));
  });

  it("quotes no measured figure outside its generated blocks (no stale or gathered numbers)", () => {
    const outside = names.reduce((doc, name) => replaceBlocks(doc, { [name]: "" }), document);
    const figures = outside.match(/\d[\d.,–-]*\s?(req\/s|KB|µs|×)(?!\s*limit)/g) ?? [];
    expect(figures).toEqual([]);
  });
});
