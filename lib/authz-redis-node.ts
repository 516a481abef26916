/**
 * NODE.JS RUNTIME ONLY. Redis-backed rate-limit store for route handlers, server actions and
 * `proxy.ts`. Never import it from `middleware.ts` (Edge) or from anything under `lib/authz/`: it
 * uses `node:crypto` and the `redis` package. It lives outside `lib/authz/` so the Edge bundle
 * cannot pick it up through a barrel. For Edge, use an Upstash limiter via
 * `lib/authz/rate-limit/upstash.ts`.
 *
 * Algorithm: the same epoch-aligned FIXED WINDOW as the memory store (see its header comment for
 * the 2 × limit burst across a boundary), counted with one atomic Lua script per hit:
 * INCR the window's key, PEXPIRE it on the first hit, return the count and PTTL. One round trip, no
 * race between instances. Window boundaries come from the app's clock (keep instances on NTP: skew
 * shifts an instance's boundaries by the skew), the key's lifetime from Redis's clock (PEXPIRE is
 * relative, so skew cannot expire a live window early).
 */
import { createHash } from "node:crypto";
import { createClient } from "redis";
import { checkRule } from "./authz/rate-limit/memory";
import type { RateLimitResult, RateLimitStore } from "./authz/rate-limit/store";

/**
 * The two script commands the store needs, in node-redis's shape (client and cluster both fit).
 *
 * ioredis, by adapter:
 * `{ evalSha: (sha, o) => r.evalsha(sha, o.keys.length, ...o.keys, ...o.arguments), eval: (s, o) => r.eval(s, o.keys.length, ...o.keys, ...o.arguments) }`.
 * A NOSCRIPT failure must reject with an error whose message starts with "NOSCRIPT".
 *
 * @example
 * const redis: RedisLike = createClient({ url: process.env.REDIS_URL });
 */
export interface RedisLike {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/**
 * Options of `redisRateLimitStore`.
 *
 * @example
 * const options: RedisRateLimitStoreOptions = { client: redis, prefix: "myapp:rl", timeoutMs: 150 };
 */
export interface RedisRateLimitStoreOptions {
  readonly client: RedisLike;
  /** Key prefix (default "authz:rl"); keys are `${prefix}:${key}:${windowStart}`. */
  readonly prefix?: string;
  /** Per-call deadline in ms (default 200); past it `consume` rejects and the kit answers 503. */
  readonly timeoutMs?: number;
  /** Clock in Unix ms (tests inject one). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The Lua script run per hit: KEYS[1] window key, ARGV[1] window length in ms; returns { count, pttl }.
 *
 * @example
 * await redis.eval(RATE_LIMIT_SCRIPT, { keys: ["authz:rl:export:u1:1700000040000"], arguments: ["60000"] }); // [1, 60000]
 * The `pttl < 0` branch repairs a key left without expiry by anything else (it would count forever).
 */
export const RATE_LIMIT_SCRIPT = `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

const SCRIPT_SHA = createHash("sha1").update(RATE_LIMIT_SCRIPT).digest("hex");

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}

/** Rejects with a clear error if `promise` has not settled within `ms`; clears its timer either way. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Redis rate limit timed out after ${ms} ms`)),
      ms,
    );
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

/**
 * Creates a Redis-backed fixed-window store: atomic across processes, rejects on failure or timeout.
 *
 * Runs the script with EVALSHA and falls back to EVAL (which also caches it) on NOSCRIPT, e.g.
 * after a Redis restart or failover. Any error, timeout or malformed reply rejects: the kit turns a
 * rejection into 503, never into an allow. A timed-out hit may still be counted by Redis later.
 *
 * @param options `client` (required), `prefix` ("authz:rl"), `timeoutMs` (200).
 * @example
 * const store = redisRateLimitStore({ client: createRedisClientFromUrl(process.env.REDIS_URL!) });
 * const r = await store.consume("export:user-1", { limit: 5, windowMs: 60_000 });
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { client } = options;
  const prefix = options.prefix ?? "authz:rl";
  const timeoutMs = options.timeoutMs ?? 200;
  const now = options.now ?? Date.now;
  if (typeof client?.evalSha !== "function" || typeof client.eval !== "function") {
    throw new TypeError(
      "Invalid Redis client: expected evalSha(sha, { keys, arguments }) and eval(script, { keys, arguments })",
    );
  }
  if (typeof prefix !== "string" || prefix === "")
    throw new TypeError("Invalid prefix: expected a non-empty string");
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`Invalid timeoutMs: expected a positive number, got ${String(timeoutMs)}`);
  }

  async function run(keys: string[], args: string[]): Promise<unknown> {
    try {
      return await client.evalSha(SCRIPT_SHA, { keys, arguments: args });
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(RATE_LIMIT_SCRIPT, { keys, arguments: args });
    }
  }

  return {
    async consume(key, rule): Promise<RateLimitResult> {
      checkRule(key, rule);
      const windowStart = Math.floor(now() / rule.windowMs) * rule.windowMs;
      const reply = await withTimeout(
        run([`${prefix}:${key}:${windowStart}`], [String(rule.windowMs)]),
        timeoutMs,
      );
      if (
        !Array.isArray(reply) ||
        typeof reply[0] !== "number" ||
        !Number.isSafeInteger(reply[0]) ||
        reply[0] < 1
      ) {
        throw new Error("Redis rate limit: unexpected reply from the script");
      }
      const count = reply[0];
      return {
        success: count <= rule.limit,
        limit: rule.limit,
        remaining: Math.max(0, rule.limit - count),
        reset: windowStart + rule.windowMs,
      };
    },
  };
}

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
 * Creates a node-redis client for the rate-limit store: fails fast while down, reconnects forever.
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
