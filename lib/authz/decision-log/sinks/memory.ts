import { AuthzConfigError } from "../../errors";
import type { DecisionEvent } from "../event";
import type { DecisionSink } from "../sink";

/**
 * The default sink: the latest `capacity` events in this process's memory, oldest overwritten
 * first. One process only: each instance (and the Edge middleware's sandbox) keeps its own.
 *
 * @example
 * const sink = memorySink({ capacity: 500 });
 */
export function memorySink(options: { readonly capacity?: number } = {}): DecisionSink {
  const capacity = options.capacity ?? 1000;
  if (!Number.isSafeInteger(capacity) || capacity < 1)
    throw new AuthzConfigError(
      "invalid_decision_log_options",
      "memorySink capacity",
      `expected an integer ≥ 1, got ${capacity}`,
    );
  const ring: (DecisionEvent | undefined)[] = new Array<DecisionEvent | undefined>(capacity);
  let next = 0;
  let size = 0;
  return {
    name: "memory",
    write(event) {
      ring[next] = event;
      next = (next + 1) % capacity;
      if (size < capacity) size++;
    },
    async recent(limit) {
      const count = Math.max(0, Math.min(limit, size));
      const out: DecisionEvent[] = [];
      for (let i = 1; i <= count; i++) out.push(ring[(next - i + capacity) % capacity]!);
      return out;
    },
  };
}
