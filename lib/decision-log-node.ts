/**
 * NODE.JS RUNTIME ONLY. The demo's decision log for route handlers, pages and server actions, and
 * the store GET /api/admin/decisions reads: a Redis stream every instance appends to when
 * REDIS_URL is set, otherwise this process's memory ring. AUTHZ_LOG_CONSOLE=1 also prints each
 * event as a JSON line. The middleware's events arrive through app/api/authz/collect.
 */
import {
  consoleSink,
  createDecisionLog,
  memorySink,
  redisStreamSink,
  type DecisionLog,
  type BatchIdStore,
  type DecisionSink,
  type RedisStreamClient,
} from "@/lib/authz/decision-log";
import { proxyTrustFromEnv } from "@/lib/authz";
import { createRedisClientFromUrl } from "./redis-node";
import { recordDecisionOnSpan } from "@/lib/authz-otel";
import { decisionLogSecret } from "./decision-log-edge";

function redisStream(url: string): RedisStreamClient {
  const redis = createRedisClientFromUrl(url);
  return {
    xAdd: async (...args) => {
      await redis.connect();
      return redis.client.xAdd(...args);
    },
    xRevRange: async (...args) => {
      await redis.connect();
      return redis.client.xRevRange(...args);
    },
  };
}

/**
 * The collector's batch ids (replay refusal): in Redis when REDIS_URL is set, so a batch one
 * instance took is refused by every other; undefined (the route's memory) otherwise.
 */
export function decisionBatchIds(): BatchIdStore | undefined {
  const url = process.env.REDIS_URL;
  if (!url) return undefined;
  const redis = createRedisClientFromUrl(url);
  return {
    async firstSeen(id, ttlMs) {
      await redis.connect();
      const set = await redis.client.set(`next-authz-kit:decision-batch:${id}`, "1", {
        NX: true,
        PX: Math.max(1, Math.ceil(ttlMs)),
      });
      return set === "OK";
    },
  };
}

function create(): DecisionLog {
  const redisUrl = process.env.REDIS_URL;
  const sinks: DecisionSink[] = [
    redisUrl
      ? redisStreamSink({ client: redisStream(redisUrl), key: "next-authz-kit:decisions" })
      : memorySink({ capacity: 1000 }),
  ];
  if (process.env.AUTHZ_LOG_CONSOLE === "1") sinks.push(consoleSink());
  return createDecisionLog({
    sinks,
    secret: decisionLogSecret,
    proxyTrust: proxyTrustFromEnv(process.env),
    onDecision: recordDecisionOnSpan,
  });
}

// One log per process: Next bundles pages and route handlers apart, and each bundle would
// otherwise get its own copy of this module, so a page's events would land in a memory ring the
// decisions API never reads.
const KEY = Symbol.for("next-authz-kit.demo.decision-log");
const slot = globalThis as typeof globalThis & { [KEY]?: DecisionLog };

export const decisionLog: DecisionLog = (slot[KEY] ??= create());
