/**
 * How the kit's Redis stores run their Lua scripts: EVALSHA by a SHA-1 that is a constant (so the
 * folder needs neither `node:crypto` nor hashing at run time; each store's test recomputes it),
 * EVAL once on NOSCRIPT, all within a deadline. The stores depend on these two calls only, not on
 * a Redis package.
 */
import { withDeadline } from "../decide/deadline";
import { AuthzConfigError } from "../errors";

/**
 * The two script commands the Redis stores use, in node-redis's shape (client and cluster both
 * fit). A NOSCRIPT failure must reject with an error whose message starts with "NOSCRIPT".
 *
 * @see docs/rate-limits.md#other-redis-clients
 */
export interface RedisScriptClient {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** A Lua script with its SHA-1, the name EVALSHA runs it by. */
export interface RedisScript {
  readonly source: string;
  readonly sha1: string;
}

/** The options every Redis store takes, checked where the store is made. */
export interface RedisStoreOptions {
  readonly client: RedisScriptClient;
  readonly prefix: string;
  readonly timeoutMs: number;
}

/** Throws an AuthzConfigError (`invalid_store_options`) for a client, prefix or deadline that cannot work. */
export function assertRedisStoreOptions({ client, prefix, timeoutMs }: RedisStoreOptions): void {
  if (typeof client?.evalSha !== "function" || typeof client.eval !== "function") {
    throw new AuthzConfigError(
      "invalid_store_options",
      "Redis client",
      "expected evalSha(sha, { keys, arguments }) and eval(script, { keys, arguments })",
    );
  }
  if (typeof prefix !== "string" || prefix === "")
    throw new AuthzConfigError("invalid_store_options", "prefix", "expected a non-empty string");
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new AuthzConfigError(
      "invalid_store_options",
      "timeoutMs",
      `expected a positive number, got ${String(timeoutMs)}`,
    );
  }
}

/** Whether Redis refused EVALSHA because its script cache does not hold the script. */
export function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}

/**
 * Runs `script` in one round trip (EVALSHA; EVAL only on NOSCRIPT), rejecting past `timeoutMs`.
 *
 * @example
 * const reply = await runRedisScript(client, { source, sha1 }, ["key"], ["60000"], {
 *   timeoutMs: 200,
 *   name: "Redis rate limit",
 * });
 * @see docs/rate-limits.md#redis-store
 */
export function runRedisScript(
  client: RedisScriptClient,
  script: RedisScript,
  keys: string[],
  args: string[],
  deadline: { readonly timeoutMs: number; readonly name: string },
): Promise<unknown> {
  const call = async (): Promise<unknown> => {
    try {
      return await client.evalSha(script.sha1, { keys, arguments: args });
    } catch (error) {
      if (!isNoScriptError(error)) throw error;
      return client.eval(script.source, { keys, arguments: args });
    }
  };
  return withDeadline(
    call(),
    deadline.timeoutMs,
    `${deadline.name} timed out after ${deadline.timeoutMs} ms`,
  );
}
