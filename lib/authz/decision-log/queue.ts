/**
 * A bounded, one-at-a-time delivery queue per sink. `push` never blocks and never throws: past
 * `capacity` it drops the event and counts it. A write that throws, rejects or outlasts
 * `timeoutMs` is reported and the queue moves on, so one bad sink costs bounded memory and time.
 */
import { withDeadline } from "../decide/deadline";
export interface DeliveryQueue<T> {
  push(item: T): void;
  /** Resolves once everything queued so far was delivered or given up on (tests, shutdown). */
  drain(): Promise<void>;
  /** Events dropped because the queue was full, since the queue was made. */
  readonly dropped: number;
}

export interface DeliveryQueueOptions {
  readonly capacity: number;
  readonly timeoutMs: number;
  /** Called with `{ dropped }` when an event is dropped, or with the error of a failed write. */
  readonly onFailure: (failure: { readonly error?: unknown; readonly dropped?: number }) => void;
}

/**
 * Builds a delivery queue around one write function.
 *
 * @example
 * const queue = deliveryQueue((e) => sink.write(e), { capacity: 1000, timeoutMs: 1000, onFailure });
 */
export function deliveryQueue<T>(
  write: (item: T) => void | Promise<unknown>,
  options: DeliveryQueueOptions,
): DeliveryQueue<T> {
  let items: T[] = [];
  let head = 0;
  let inFlight = false;
  let dropped = 0;
  let idle: (() => void)[] = [];

  const fail = (failure: { error?: unknown; dropped?: number }) => {
    try {
      options.onFailure(failure);
    } catch {
      // A failing reporter must not reach the request.
    }
  };

  // A synchronous sink (the memory ring) is written at once and never holds the queue; only a
  // write that returns a promise is waited for, one at a time, for at most timeoutMs.
  const pump = (): void => {
    while (!inFlight && head < items.length) {
      const item = items[head]!;
      items[head++] = undefined as T;
      let result: void | Promise<unknown>;
      try {
        result = write(item);
      } catch (error) {
        fail({ error });
        continue;
      }
      if (!result || typeof (result as PromiseLike<unknown>).then !== "function") continue;
      inFlight = true;
      withDeadline(
        result,
        options.timeoutMs,
        `decision sink write timed out after ${options.timeoutMs} ms`,
      )
        .catch((error: unknown) => fail({ error }))
        .finally(() => {
          inFlight = false;
          pump();
        });
    }
    if (!inFlight && head >= items.length) {
      items = [];
      head = 0;
      const waiting = idle;
      idle = [];
      for (const resolve of waiting) resolve();
    }
  };

  return {
    push(item) {
      if (items.length - head >= options.capacity) {
        dropped++;
        fail({ dropped });
        return;
      }
      items.push(item);
      pump();
    },
    drain() {
      if (!inFlight && head >= items.length) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
    get dropped() {
      return dropped;
    },
  };
}
