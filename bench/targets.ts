/**
 * The targets the README states for `npm run bench` figures, in one table: `npm run bench -- --check`
 * exits 1 when a measured figure misses one, and the README's performance table prints this column
 * from here. To add a figure with a target, add its `name=value` metric here and a row in
 * ./report.ts.
 */

/** A bound on one metric of `npm run bench`'s `name=value` output. */
export interface BenchTarget {
  /** At least this (throughput ratios). */
  readonly atLeast?: number;
  /** At most this (costs: µs, KB). */
  readonly atMost?: number;
  /** Unit shown after the bound in the README ("µs", "KB"); none for ratios. */
  readonly unit?: string;
}

/** Every stated target, by metric name. */
export const BENCH_TARGETS: Readonly<Record<string, BenchTarget>> = {
  ratio_guarded_warm_vs_plain: { atLeast: 0.95 },
  ratio_guarded_cold_vs_plain: { atLeast: 0.8 },
  ratio_mw_kit_vs_mw_noop: { atLeast: 0.9 },
  session_cold_us: { atMost: 150, unit: "µs" },
  session_warm_us: { atMost: 5, unit: "µs" },
  ratio_redis_limiter_vs_raw_incr: { atLeast: 0.5 },
  bundle_demo_kb: { atMost: 72, unit: "KB" },
  // The demo as shipped, decision log on (issue 23.8).
  ratio_demo_me_vs_demo_plain: { atLeast: 0.95 },
  ratio_demo_admin_vs_demo_admin_noop: { atLeast: 0.9 },
  // Credentials (issues 20 and 21): routes against plain, sources against their libraries.
  ratio_better_auth_vs_plain_better_auth: { atLeast: 0.95 },
  ratio_bearer_vs_plain: { atLeast: 0.9 },
  ratio_api_key_vs_plain: { atLeast: 0.9 },
  credentials_apikey_cold_roundtrips_per_check: { atMost: 1 },
  ...Object.fromEntries(
    ["signed_cookie", "sealed_cookie", "clerk", "supabase"].flatMap((name) => [
      [`ratio_source_${name}_library_vs_cached`, { atLeast: 5 }],
      [`ratio_source_${name}_library_vs_cold`, { atLeast: 1 }],
      [`bundle_source_${name}_kb`, { atMost: 72, unit: "KB" }],
    ]),
  ),
  // Each source alone in a middleware, Auth.js's and Better Auth's readers included (issue 20).
  bundle_source_authjs_kb: { atMost: 72, unit: "KB" },
  bundle_source_better_auth_kb: { atMost: 72, unit: "KB" },
  ...Object.fromEntries(
    ["compact", "jwt", "jwe"].flatMap((strategy) => [
      [`ratio_better_auth_${strategy}_get_cookie_cache_vs_kit_warm`, { atLeast: 5 }],
      [`ratio_better_auth_${strategy}_get_cookie_cache_vs_kit_cold`, { atLeast: 1 }],
    ]),
  ),
  // Lists (issue 22): the policy's filter against the same query by hand, on PGlite.
  ratio_lists_filtered_vs_hand_written: { atLeast: 0.95 },
  lists_filter_build_us: { atMost: 5, unit: "µs" },
};

/** One target checked against one run. `measured` is undefined when the run did not measure it. */
export interface TargetCheck {
  readonly metric: string;
  readonly target: BenchTarget;
  readonly measured: number | undefined;
  readonly met: boolean;
}

/** The bound as the README writes it: "≥ 0.8", "≤ 150 µs". */
export function describeTarget(target: BenchTarget): string {
  const unit = target.unit ? ` ${target.unit}` : "";
  const parts: string[] = [];
  if (target.atLeast !== undefined) parts.push(`≥ ${target.atLeast}${unit}`);
  if (target.atMost !== undefined) parts.push(`≤ ${target.atMost}${unit}`);
  return parts.join(", ");
}

/**
 * Checks every target that the run measured; an unmeasured one is reported, not met.
 *
 * @example
 * const missed = checkTargets({ ratio_guarded_cold_vs_plain: 0.7 }).filter((c) => !c.met);
 */
export function checkTargets(
  results: Readonly<Record<string, number>>,
  targets: Readonly<Record<string, BenchTarget>> = BENCH_TARGETS,
): TargetCheck[] {
  return Object.entries(targets).map(([metric, target]) => {
    const measured = results[metric];
    const met =
      measured !== undefined &&
      Number.isFinite(measured) &&
      (target.atLeast === undefined || measured >= target.atLeast) &&
      (target.atMost === undefined || measured <= target.atMost);
    return { metric, target, measured, met };
  });
}
