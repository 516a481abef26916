/**
 * The API key source: reads `X-API-Key`, finds the key's record by its SHA-256 hash, and answers
 * for the key's owner. A user's key acts as that user (role, tenant and plan from the app's own
 * account lookup, never from the key); an org's key is a machine subject of that org. The key's
 * permissions are its scopes.
 *
 * Lookups are cached briefly (a revocation on another instance shows within `cacheMs`, at most
 * 5 s), unknown keys are remembered briefly, and failed lookups are rate limited per client, so
 * guessing keys costs the guesser and not the store.
 *
 * @see docs/credentials.md
 */
import { AuthzConfigError } from "../errors";
import type { CredentialSource, SourceOutcome, SourceRuntime } from "../session/credential";
import type { SessionClaims } from "../session/source";
import {
  constantTimeEqual,
  hashApiKey,
  isApiKeyShaped,
  type ApiKeyRecord,
  type ApiKeyStore,
  type ApiKeyVerifier,
} from "./key";

/** Options of {@link apiKeySource}. */
export interface ApiKeySourceOptions {
  /** Where keys live: a store looked up by hash, or a verifier given the key (Better Auth's). */
  readonly store: (ApiKeyStore | ApiKeyVerifier) & { readonly runtime?: SourceRuntime };
  /**
   * The claims of a user who owns keys, from the app's account source (`sub`, `role`, `tenant`,
   * `plan`, ...); null for a user that no longer exists (the key is then refused).
   */
  readonly users: (userId: string) => Promise<SessionClaims | null> | SessionClaims | null;
  /** The header the key travels in. Default `x-api-key`. */
  readonly header?: string;
  /** How long a found record is reused, in ms (default 2 000, at most 5 000). */
  readonly cacheMs?: number;
  /** How long an unknown key is remembered as unknown, in ms (default 5 000). */
  readonly negativeCacheMs?: number;
  /** Failed lookups per client (by `clientIp`) and minute before lookups stop (default 20). */
  readonly failedLookupsPerMinute?: number;
  /** The client's address under the app's proxy trust model; without it, failures count together. */
  readonly clientIp?: (request: Request) => string | null;
  /** Where the source runs; default the store's own (`node` for Redis and Better Auth). */
  readonly runtime?: SourceRuntime;
  /** The source's name in logs. Default `api-key`. */
  readonly name?: string;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** The API key source, with a revoke that this instance sees on its very next request. */
export interface ApiKeySource extends CredentialSource {
  /**
   * Revokes a key in the store and forgets it here at once; other instances refuse it within
   * their `cacheMs`. False when the store had no such key (or checks keys itself: revoke there).
   */
  revoke(id: string): Promise<boolean>;
}

const MAX_ENTRIES = 10_000;

/** A bounded Map that forgets its oldest entry first. */
function boundedSet<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}

/**
 * Builds the API key source for `AuthzOptions.session` (with the cookie source beside it).
 *
 * @example
 * const apiKeys = apiKeySource({ store: memoryApiKeyStore(), users: (id) => accounts.claims(id) });
 * export const authz = createAuthz({ session: [apiKeys, authJsSession({ secret })] });
 * @see docs/credentials.md
 */
export function apiKeySource(options: ApiKeySourceOptions): ApiKeySource {
  const invalid = (why: string): never => {
    throw new AuthzConfigError("invalid_api_key_options", "apiKeySource", why);
  };
  const { store, users } = options;
  const verify = "verify" in store && typeof store.verify === "function" ? store : undefined;
  const find = "find" in store && typeof store.find === "function" ? store : undefined;
  if (!verify && !find) invalid("store needs find(hash) or verify(key)");
  if (typeof users !== "function") invalid("users(userId) must be a function");
  const header = (options.header ?? "x-api-key").toLowerCase();
  if (!/^[a-z0-9-]{1,64}$/.test(header) || header === "authorization" || header === "cookie")
    invalid(`header ${JSON.stringify(options.header)} is not a usable header name`);
  const cacheMs = options.cacheMs ?? 2_000;
  if (!(cacheMs >= 0 && cacheMs <= 5_000)) invalid(`cacheMs must be 0-5000, got ${cacheMs}`);
  const negativeCacheMs = options.negativeCacheMs ?? 5_000;
  if (!(negativeCacheMs >= 0 && negativeCacheMs <= 60_000))
    invalid(`negativeCacheMs must be 0-60000, got ${negativeCacheMs}`);
  const failedPerMinute = options.failedLookupsPerMinute ?? 20;
  if (!Number.isInteger(failedPerMinute) || failedPerMinute < 1)
    invalid(`failedLookupsPerMinute must be a whole number ≥ 1, got ${failedPerMinute}`);
  const now = options.now ?? Date.now;
  const name = options.name ?? "api-key";
  const runtime = options.runtime ?? store.runtime ?? "node";

  const found = new Map<string, { readonly record: ApiKeyRecord; readonly until: number }>();
  const unknown = new Map<string, number>();
  const failures = new Map<string, { count: number; windowStart: number }>();

  const refused = (description: string): SourceOutcome => ({
    status: "invalid",
    error: "invalid_api_key",
    description,
  });

  /** Whether this client has used up its failed lookups for the minute. */
  const blocked = (client: string, at: number): boolean => {
    const entry = failures.get(client);
    return entry !== undefined && at - entry.windowStart < 60_000 && entry.count >= failedPerMinute;
  };
  const failed = (client: string, at: number): void => {
    const entry = failures.get(client);
    if (entry === undefined || at - entry.windowStart >= 60_000)
      boundedSet(failures, client, { count: 1, windowStart: at });
    else entry.count++;
  };

  async function lookup(key: string, hash: string): Promise<ApiKeyRecord | null> {
    if (verify) return verify.verify(key);
    const record = await find!.find(hash);
    // The store found it by hash; compare again without an early exit, whatever the store did.
    return record !== null && constantTimeEqual(record.hash, hash) ? record : null;
  }

  async function claimsOf(record: ApiKeyRecord): Promise<SessionClaims | null> {
    if (record.owner.type === "org")
      return { sub: `org:${record.owner.id}`, name: record.name, tenant: record.owner.id };
    const claims = await users(record.owner.id);
    if (claims === null) return null;
    // The account decides who it is; the key only says which account.
    return { ...claims, sub: record.owner.id };
  }

  return {
    name,
    kind: "api_key",
    async revoke(id) {
      if (!find) return false;
      try {
        return await find.revoke(id);
      } finally {
        for (const [hash, entry] of found) if (entry.record.id === id) found.delete(hash);
      }
    },
    runtime,
    challenge: { scheme: "ApiKey", params: { header: options.header ?? "X-API-Key" } },
    async read(request) {
      const value = request.headers.get(header);
      if (value === null) return { status: "none" };
      if (value.includes(",")) return { status: "invalid", error: "invalid_request" };
      const key = value.trim();
      if (!isApiKeyShaped(key)) return refused("malformed key");
      const at = now();
      const hash = await hashApiKey(key);
      let record = found.get(hash);
      if (record !== undefined && record.until <= at) {
        found.delete(hash);
        record = undefined;
      }
      if (record === undefined) {
        const remembered = unknown.get(hash);
        if (remembered !== undefined && remembered > at) return refused("unknown key");
        const client = options.clientIp?.(request) ?? "*";
        if (blocked(client, at)) return refused("too many failed lookups");
        const loaded = await lookup(key, hash);
        if (loaded === null) {
          failed(client, at);
          boundedSet(unknown, hash, at + negativeCacheMs);
          return refused("unknown key");
        }
        record = { record: loaded, until: at + cacheMs };
        if (cacheMs > 0) boundedSet(found, hash, record);
      }
      const { record: r } = record;
      if (r.expiresAt !== undefined && r.expiresAt <= at) return refused("expired key");
      const claims = await claimsOf(r);
      if (claims === null) return refused("the key's owner no longer exists");
      return {
        status: "ok",
        auth: {
          claims,
          kind: r.owner.type === "org" ? "machine" : "user",
          credential: "api_key",
          source: name,
          scopes: r.permissions,
          label: r.prefix,
          ...(r.rateLimit
            ? { rateLimit: { id: r.id, limit: r.rateLimit.limit, windowMs: r.rateLimit.windowMs } }
            : {}),
        },
      };
    },
  };
}

/**
 * A stand-in for the API key source where it cannot run (Edge middleware with a Redis or Better
 * Auth store): a request with a key is left to the route handler ("unknown"), never decided by
 * a cookie that rides along, and never refused for a key the middleware cannot check.
 *
 * @example
 * createChecker({ ...options, session: [apiKeyPresence(), authJsSession({ secret })] });
 */
export function apiKeyPresence(options: { readonly header?: string } = {}): CredentialSource {
  const header = (options.header ?? "x-api-key").toLowerCase();
  if (!/^[a-z0-9-]{1,64}$/.test(header))
    throw new AuthzConfigError("invalid_api_key_options", "apiKeyPresence", "bad header name");
  return {
    name: "api-key (checked by the route handler)",
    kind: "api_key",
    runtime: "edge",
    challenge: { scheme: "ApiKey", params: { header: options.header ?? "X-API-Key" } },
    async read(request) {
      return request.headers.has(header)
        ? { status: "unknown", reason: "API keys are checked where their store is" }
        : { status: "none" };
    },
  };
}
