/** A deadline on a promise, with `setTimeout` only (Edge and Node alike). */

/**
 * Settles as `promise` does, or rejects with `new Error(message)` once `ms` have passed; the timer
 * is cleared either way, so a settled call leaves nothing pending.
 *
 * @example
 * const reply = await withDeadline(client.evalSha(sha1, options), 200, "Redis timed out after 200 ms");
 */
export function withDeadline<T>(promise: PromiseLike<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
