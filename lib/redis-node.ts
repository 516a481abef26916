/**
 * NODE.JS RUNTIME ONLY. The demo's node-redis client for the kit's Redis rate-limit store
 * (`lib/authz/rate-limit/redis.ts`, which needs only `evalSha` and `eval`): connects on first use,
 * fails fast while Redis is down and reconnects forever. Never import it from `middleware.ts`.
 */
import { createClient } from "redis";
import type { RedisLike } from "./authz/rate-limit/redis";

/**
 * Options of `createRedisClientFromUrl`.
 *
 * @example
 * const options: RedisClientFromUrlOptions = { connectTimeoutMs: 1_000, onError: (e) => logger.warn(e) };
 */
export interface RedisClientFromUrlOptions {
  /** TCP connect deadline in ms (default 2_000). */
  readonly connectTimeoutMs?: number;
  /** Longest pause between reconnect attempts in ms (default 2_000); attempts never stop. */
  readonly maxReconnectDelayMs?: number;
  /** Called for client errors (default: one console.error line per 30 s, so an outage does not flood logs). */
  readonly onError?: (error: unknown) => void;
}

function nodeRedisClient(url: string, connectTimeout: number, maxDelay: number) {
  return createClient({
    url,
    disableOfflineQueue: true,
    pingInterval: 10_000,
    socket: {
      connectTimeout,
      reconnectStrategy: (retries) =>
        Math.min(maxDelay, 50 * 2 ** Math.min(retries, 10)) + Math.floor(Math.random() * 50),
    },
  });
}

/**
 * A node-redis client that connects on first use, as a `RedisLike`.
 *
 * @example
 * const redis: LazyRedisClient = createRedisClientFromUrl(process.env.REDIS_URL!);
 * await redis.connect(); // optional: fail at start-up rather than on the first request
 */
export interface LazyRedisClient extends RedisLike {
  /** The underlying node-redis client (for other commands; call `connect()` first). */
  readonly client: ReturnType<typeof nodeRedisClient>;
  /** Connects once; concurrent and later calls share the same attempt until it fails. */
  connect(): Promise<void>;
  /** Closes the connection (pending commands are rejected). */
  close(): Promise<void>;
}

function throttledLogger(intervalMs: number): (error: unknown) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (error) => {
    const t = Date.now();
    if (t - last < intervalMs) return;
    last = t;
    console.error(
      `[authz] Redis client error: ${error instanceof Error ? error.message : String(error)}`,
    );
  };
}

/**
 * Creates a node-redis client for the kit's Redis stores: fails fast while down, reconnects forever.
 *
 * `disableOfflineQueue: true` makes commands reject at once while disconnected instead of queueing
 * (a queued rate-limit check would answer long after the request timed out); `socket.connectTimeout`
 * bounds a connect to a black-holed host; the reconnect strategy backs off exponentially with jitter
 * up to `maxReconnectDelayMs` and never gives up (giving up would need a process restart to recover);
 * `pingInterval` notices half-open connections. The `error` event always has a listener, so a Redis
 * outage never crashes the process. Nothing connects until the first command or `connect()`.
 *
 * @example
 * const redis = createRedisClientFromUrl(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
 * const store = redisRateLimitStore({ client: redis });
 */
export function createRedisClientFromUrl(
  url: string,
  options: RedisClientFromUrlOptions = {},
): LazyRedisClient {
  if (typeof url !== "string" || !/^rediss?:\/\//.test(url)) {
    throw new TypeError("Invalid Redis URL: expected redis://… or rediss://…");
  }
  const client = nodeRedisClient(
    url,
    options.connectTimeoutMs ?? 2_000,
    options.maxReconnectDelayMs ?? 2_000,
  );
  client.on("error", options.onError ?? throttledLogger(30_000));

  let connecting: Promise<void> | null = null;
  function connect(): Promise<void> {
    if (client.isOpen) return connecting ?? Promise.resolve();
    connecting ??= client.connect().then(
      () => undefined,
      (error: unknown) => {
        connecting = null; // let the next call try again
        throw error;
      },
    );
    return connecting;
  }

  return {
    client,
    connect,
    async evalSha(sha1, o) {
      await connect();
      return client.evalSha(sha1, o);
    },
    async eval(script, o) {
      await connect();
      return client.eval(script, o);
    },
    async close() {
      connecting = null;
      if (client.isOpen) client.destroy();
    },
  };
}
