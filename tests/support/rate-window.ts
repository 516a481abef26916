/**
 * The demo's rate limits count in fixed windows aligned to the epoch (a window starts at
 * floor(now / windowMs) * windowMs, on the server's clock, which is this machine's). A test that
 * spends a limit and expects the refusal must do it inside one window: these helpers start it
 * early enough in a window and let it prove afterwards that no boundary was crossed.
 */

/** The start of the fixed window `at` falls in. */
export function windowStart(windowMs: number, at: number = Date.now()): number {
  return Math.floor(at / windowMs) * windowMs;
}

/**
 * Waits, only when needed, until at least `needMs` of the current window remain, and returns that
 * window's start. The wait is at most `needMs`.
 *
 * @example
 * const start = await roomInWindow(60_000, 20_000); // then six calls, then:
 * expect(windowStart(60_000)).toBe(start);
 */
export async function roomInWindow(windowMs: number, needMs: number): Promise<number> {
  if (needMs >= windowMs) throw new RangeError(`needMs ${needMs} must be under ${windowMs}`);
  const left = windowMs - (Date.now() - windowStart(windowMs));
  // 50 ms past the boundary: the server's clock reads the same one, but never a hair before it.
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return windowStart(windowMs);
}
