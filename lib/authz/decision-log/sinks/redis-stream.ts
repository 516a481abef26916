import type { DecisionEvent } from "../event";
import { AuthzConfigError } from "../../errors";
import { parseDecisionEvent } from "../parse";
import type { DecisionSink } from "../sink";

/**
 * The two stream commands the sink uses, in node-redis's shape (`createClient()` fits as is).
 *
 * ioredis, by adapter: `{ xAdd: (k, id, m, o) => r.xadd(k, "MAXLEN", "~", o.TRIM.threshold, id,
 * ...Object.entries(m).flat()), xRevRange: ... }`.
 */
export interface RedisStreamClient {
  xAdd(
    key: string,
    id: "*",
    message: Record<string, string>,
    options: {
      TRIM: { strategy: "MAXLEN"; strategyModifier: "~"; threshold: number };
    },
  ): Promise<unknown>;
  xRevRange(
    key: string,
    end: "+",
    start: "-",
    options: { COUNT: number },
  ): Promise<readonly { readonly id: string; readonly message: Record<string, string> }[] | null>;
}

/**
 * A Redis stream every instance appends to (`XADD key MAXLEN ~ maxLength * e <json>`), read back
 * newest first with `XREVRANGE`. Bounded: Redis trims the stream to about `maxLength` entries.
 *
 * @example
 * const sink = redisStreamSink({ client: redis, key: "myapp:authz:decisions", maxLength: 10_000 });
 */
export function redisStreamSink(options: {
  readonly client: RedisStreamClient;
  readonly key?: string;
  readonly maxLength?: number;
}): DecisionSink {
  const { client } = options;
  const key = options.key ?? "authz:decisions";
  const maxLength = options.maxLength ?? 10_000;
  if (typeof client?.xAdd !== "function" || typeof client.xRevRange !== "function")
    throw new AuthzConfigError(
      "invalid_decision_log_options",
      "Redis client",
      "expected xAdd(...) and xRevRange(...)",
    );
  if (typeof key !== "string" || key === "")
    throw new AuthzConfigError("invalid_decision_log_options", "key", "empty");
  if (!Number.isSafeInteger(maxLength) || maxLength < 1)
    throw new AuthzConfigError(
      "invalid_decision_log_options",
      "maxLength",
      `expected an integer ≥ 1, got ${maxLength}`,
    );
  const trim = {
    TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: maxLength },
  } as const;
  return {
    name: "redis-stream",
    write: (event: DecisionEvent) => client.xAdd(key, "*", { e: JSON.stringify(event) }, trim),
    async recent(limit) {
      const entries = (await client.xRevRange(key, "+", "-", { COUNT: limit })) ?? [];
      const out: DecisionEvent[] = [];
      for (const entry of entries) {
        let parsed: DecisionEvent | null = null;
        try {
          parsed = parseDecisionEvent(JSON.parse(entry.message.e ?? "null"));
        } catch {
          parsed = null;
        }
        if (parsed) out.push(parsed);
      }
      return out;
    },
  };
}
