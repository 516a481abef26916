import { AuthzConfigError } from "../errors";
/** A window length: milliseconds, or a number with a unit (`"500ms"`, `"30s"`, `"1m"`, `"2h"`, `"1d"`). */
export type Duration = number | `${number}${"ms" | "s" | "m" | "h" | "d"}`;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Converts a Duration to whole milliseconds; throws an AuthzConfigError for anything that is not a
 * positive, finite length (so a typo fails at start-up, not as an endless window).
 *
 * @example
 * parseDuration("1m") // 60000
 */
export function parseDuration(duration: Duration): number {
  let ms: number;
  if (typeof duration === "number") {
    ms = duration;
  } else {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration);
    if (!match)
      throw new AuthzConfigError(
        "invalid_duration",
        `duration`,
        `"${duration}" (use e.g. "30s", "1m", "1h")`,
      );
    ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  if (!Number.isFinite(ms) || ms < 1 || !Number.isInteger(ms)) {
    throw new AuthzConfigError(
      "invalid_duration",
      `duration`,
      `${String(duration)} must be a whole number of milliseconds ≥ 1`,
    );
  }
  return ms;
}
