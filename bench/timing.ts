/** The micro benches' one timer: sequential calls (each awaited), as a request handler makes them. */

/**
 * µs per call of `call`, run `iterations` times after `warmup` untimed calls.
 *
 * @example
 * const us = await perCallUs(1000, () => source.read(request), 100);
 */
export async function perCallUs(
  iterations: number,
  call: () => unknown,
  warmup: number,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await call();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await call();
  return ((performance.now() - start) * 1000) / iterations;
}

/** A figure in µs to two decimals. */
export const roundUs = (us: number): number => Math.round(us * 100) / 100;
