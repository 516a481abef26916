import type { DecisionEvent } from "./event";

/**
 * Where decision events go. `write` may be synchronous or return a promise; the log calls it off
 * the request path through a bounded queue, so a sink that throws, rejects or hangs cannot change
 * a response or hold one up.
 */
export interface DecisionSink {
  /** A short name for error reports (`memory`, `console`, `redis-stream`, ...). */
  readonly name: string;
  write(event: DecisionEvent): void | Promise<unknown>;
  /** The latest events, newest first, when the sink can be read back (memory, Redis). */
  recent?(limit: number): Promise<readonly DecisionEvent[]>;
}
