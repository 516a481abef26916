// The one reading of the `CI` variable for every script, config and test support file: CI is on
// when `CI` is set to anything but "", "0" or "false" (any case), as CI services set it ("true",
// "1", a service name). Under CI nothing is skipped silently: a missing tool is a failure.

/**
 * Whether this run is under CI.
 *
 * @example
 * if (isCI()) throw new Error("redis-server is missing: under CI that is a failure, not a skip");
 */
export function isCI(env = process.env) {
  const value = (env.CI ?? "").trim().toLowerCase();
  return value !== "" && value !== "0" && value !== "false";
}
