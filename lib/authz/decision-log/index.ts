/**
 * The decision log: one event per decision of every layer, bounded asynchronous sinks, request
 * ids, trace attributes and shadow policies. Edge-safe.
 */
export { decisionSpanAttributes } from "./attributes";
export type { DecisionEvent, DecisionLayer, ShadowOutcome } from "./event";
export { createDecisionLog, FORWARDED_ID_HEADER, REQUEST_ID_HEADER } from "./log";
export type { DecisionLog, DecisionLogOptions, DecisionReport } from "./log";
export { parseDecisionEvent } from "./parse";
export { logAddress, logPath } from "./redact";
export type { DecisionSink } from "./sink";
export { collectorRoute, collectorSink } from "./sinks/collector";
export type { BatchIdStore, CollectorRouteOptions, CollectorSinkOptions } from "./sinks/collector";
export { consoleSink } from "./sinks/console";
export { memorySink } from "./sinks/memory";
export { redisStreamSink } from "./sinks/redis-stream";
export type { RedisStreamClient } from "./sinks/redis-stream";
export { shadowOf, withShadow } from "./shadow";
