/**
 * parseDuration: a window length in whole milliseconds, and a configuration error for anything
 * that is not one (a typo fails at start-up, not as an endless or empty window).
 */
import { describe, expect, it } from "vitest";
import { parseDuration, type Duration } from "@/lib/authz/decide/duration";
import { expectConfigError } from "../support/config-error";

describe("parseDuration", () => {
  it("reads milliseconds and every unit", () => {
    expect(parseDuration(1)).toBe(1);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("1m")).toBe(60_000);
    expect(parseDuration("1.5m")).toBe(90_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1d")).toBe(86_400_000);
  });

  it("refuses anything else with invalid_duration", () => {
    const bad = [
      ["1 minute", 'Invalid duration: "1 minute" (use e.g. "30s", "1m", "1h")'],
      ["1m ", 'Invalid duration: "1m " (use e.g. "30s", "1m", "1h")'],
      ["-1s", 'Invalid duration: "-1s" (use e.g. "30s", "1m", "1h")'],
      [0, "Invalid duration: 0 must be a whole number of milliseconds ≥ 1"],
      [1.5, "Invalid duration: 1.5 must be a whole number of milliseconds ≥ 1"],
      [
        Number.POSITIVE_INFINITY,
        "Invalid duration: Infinity must be a whole number of milliseconds ≥ 1",
      ],
      ["0.5ms", "Invalid duration: 0.5ms must be a whole number of milliseconds ≥ 1"],
    ] as const;
    for (const [duration, message] of bad)
      expect(
        expectConfigError(() => parseDuration(duration as Duration), "invalid_duration").message,
        String(duration),
      ).toBe(message);
  });
});
