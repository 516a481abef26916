/**
 * A JWKS cache keyed by issuer and URL, for {@link verifyJws}: keys are fetched on first use and
 * kept for a TTL; a token with an unknown `kid` refetches at most once per cooldown; a fetch that
 * hangs is cut at a timeout; during an outage the last good keys are served for a bounded stale
 * window, and after it the resolver throws, so the kit answers 503 and never lets a caller through
 * as anonymous. Web APIs only (fetch, AbortController, Web Crypto).
 *
 * @see docs/sessions.md#key-sets-jwks
 */
import { AuthzConfigError } from "../errors";
import {
  JWS_ALGORITHMS,
  importJwsKey,
  jwkFitsAlgorithm,
  type JwsAlgorithm,
  type JwsHeader,
  type JwsKey,
  type JwsKeyResolver,
} from "./jws";

/** Options of {@link jwksCache}. */
export interface JwksCacheOptions {
  /** The key set's URL: `https:`, or `http:` on a loopback host (tests, local issuers). */
  readonly url: string;
  /** The issuer the keys belong to; with the URL it keys the shared cache. */
  readonly issuer?: string;
  /** Asymmetric algorithms whose keys are taken from the set (an `oct` key never is). */
  readonly algorithms: readonly Exclude<JwsAlgorithm, "HS256">[];
  /** Seconds a fetched key set is fresh. @default 600 */
  readonly ttlSec?: number;
  /** Least seconds between two fetches caused by unknown `kid`s or failures. @default 30 */
  readonly cooldownSec?: number;
  /** Milliseconds before a fetch is abandoned. @default 5000 */
  readonly timeoutMs?: number;
  /** Seconds past the TTL that the last good keys are served while fetches fail. @default 600 */
  readonly staleSec?: number;
  /** Largest key set response, in bytes. @default 65536 */
  readonly maxBytes?: number;
  /** The fetch to use; tests and custom transports pass one. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Current time in ms; tests pin it. @default Date.now */
  readonly now?: () => number;
}

/**
 * Thrown by a key resolver when no usable key set can be had (never fetched, or stale past its
 * window): the source cannot decide, so the kit answers 503 with `Retry-After`.
 *
 * @example
 * try { await resolve(header); } catch (error) { if (error instanceof JwksUnavailableError) retryLater(); }
 */
export class JwksUnavailableError extends Error {
  override readonly name = "JwksUnavailableError";
}

interface Entry {
  readonly jwk: Readonly<Record<string, unknown>>;
  /** Imported keys by algorithm, filled on first use. */
  readonly imported: Map<JwsAlgorithm, Promise<JwsKey | null>>;
}

interface State {
  keys: readonly Entry[] | null;
  fetchedAt: number;
  lastAttemptAt: number;
  lastAttemptFailed: boolean;
  inflight: Promise<void> | null;
}

// Shared per issuer and URL, so every source (and every request) reading one issuer shares one
// fetch and one cooldown, and two issuers never see each other's keys.
const states = new Map<string, State>();

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function checkOptions(options: JwksCacheOptions): URL {
  const fail = (why: string): never => {
    throw new AuthzConfigError("invalid_session_options", "JWKS options", why);
  };
  let url: URL | null = null;
  try {
    url = new URL(options.url);
  } catch {
    fail(`url ${JSON.stringify(options.url)} is not a URL`);
  }
  if (!url) return fail("url is required");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    fail("url must be https: (http: only on a loopback host)");
  }
  if (!Array.isArray(options.algorithms) || options.algorithms.length === 0) {
    fail("algorithms must list at least one of RS256, ES256, EdDSA");
  }
  for (const alg of options.algorithms) {
    if (alg === ("HS256" as string) || !JWS_ALGORITHMS.includes(alg)) {
      fail(`algorithm ${JSON.stringify(alg)} cannot come from a key set`);
    }
  }
  for (const [name, value] of [
    ["ttlSec", options.ttlSec],
    ["cooldownSec", options.cooldownSec],
    ["timeoutMs", options.timeoutMs],
    ["staleSec", options.staleSec],
    ["maxBytes", options.maxBytes],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      fail(`${name} must be a non-negative number`);
    }
  }
  return url;
}

async function readBody(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new Error("key set too large");
  if (!response.body) return "";
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error("key set too large");
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/**
 * A key resolver over a remote JWKS, for {@link verifyJws}. Options are checked here, once;
 * caches with the same issuer and URL share their keys, fetches and cooldown.
 *
 * @example
 * const keys = jwksCache({ url: "https://example.supabase.co/auth/v1/.well-known/jwks.json", algorithms: ["ES256"] });
 * const result = await verifyJws(token, keys, { algorithms: ["ES256"] });
 * @see docs/sessions.md#key-sets-jwks
 */
export function jwksCache(options: JwksCacheOptions): JwsKeyResolver {
  const url = checkOptions(options);
  const ttlMs = (options.ttlSec ?? 600) * 1000;
  const cooldownMs = (options.cooldownSec ?? 30) * 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const staleMs = (options.staleSec ?? 600) * 1000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const now = options.now ?? Date.now;
  const algorithms: readonly JwsAlgorithm[] = [...options.algorithms];
  const cacheKey = `${options.issuer ?? ""}\n${url.href}`;
  // Looked up on every call, so clearJwksCaches() reaches resolvers made before it.
  const stateOf = (): State => {
    let state = states.get(cacheKey);
    if (!state) {
      state = {
        keys: null,
        fetchedAt: 0,
        lastAttemptAt: Number.NEGATIVE_INFINITY,
        lastAttemptFailed: false,
        inflight: null,
      };
      states.set(cacheKey, state);
    }
    return state;
  };

  async function download(): Promise<readonly Entry[]> {
    const doFetch = options.fetch ?? globalThis.fetch;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await doFetch(url.href, {
        headers: { accept: "application/json" },
        redirect: "manual",
        signal: controller.signal,
        cache: "no-store",
      });
      if (response.status !== 200) throw new Error(`key set answered ${response.status}`);
      const parsed: unknown = JSON.parse(await readBody(response, maxBytes));
      const list =
        typeof parsed === "object" && parsed !== null ? (parsed as { keys?: unknown }).keys : null;
      if (!Array.isArray(list)) throw new Error("not a JWK set");
      return list
        .filter(
          (jwk): jwk is Record<string, unknown> =>
            typeof jwk === "object" && jwk !== null && !Array.isArray(jwk),
        )
        .map((jwk) => ({ jwk, imported: new Map() }));
    } finally {
      clearTimeout(timer);
    }
  }

  /** One fetch at a time per issuer; its failure is recorded, never thrown from here. */
  function refresh(): Promise<void> {
    const shared = stateOf();
    if (shared.inflight) return shared.inflight;
    shared.lastAttemptAt = now();
    shared.inflight = download()
      .then(
        (keys) => {
          shared.keys = keys;
          shared.fetchedAt = now();
          shared.lastAttemptFailed = false;
        },
        () => {
          shared.lastAttemptFailed = true;
        },
      )
      .finally(() => {
        shared.inflight = null;
      });
    return shared.inflight;
  }

  function coolingDown(): boolean {
    const shared = stateOf();
    return now() - shared.lastAttemptAt < cooldownMs;
  }

  async function usable(): Promise<readonly Entry[]> {
    const shared = stateOf();
    if (shared.keys === null) {
      // Never fetched: the first request waits; after a failure, retry only past the cooldown.
      if (!shared.lastAttemptFailed || !coolingDown()) await refresh();
    } else if (now() - shared.fetchedAt >= ttlMs && !coolingDown()) {
      await refresh();
    }
    const keys = shared.keys;
    if (keys === null) throw new JwksUnavailableError(`no key set from ${url.origin}`);
    if (now() - shared.fetchedAt >= ttlMs + staleMs) {
      throw new JwksUnavailableError(`key set from ${url.origin} is stale`);
    }
    return keys;
  }

  async function matching(entries: readonly Entry[], header: JwsHeader): Promise<JwsKey[]> {
    const out: JwsKey[] = [];
    for (const entry of entries) {
      if (header.kid !== undefined && entry.jwk.kid !== header.kid) continue;
      if (!algorithms.includes(header.alg) || !jwkFitsAlgorithm(entry.jwk, header.alg)) continue;
      const alg = header.alg as Exclude<JwsAlgorithm, "HS256">;
      let imported = entry.imported.get(alg);
      if (!imported) {
        imported = importJwsKey(entry.jwk, alg).catch(() => null);
        entry.imported.set(alg, imported);
      }
      const key = await imported;
      if (key) out.push(key);
    }
    return out;
  }

  return async function resolveJwks(header: JwsHeader): Promise<readonly JwsKey[]> {
    const found = await matching(await usable(), header);
    if (found.length > 0 || header.kid === undefined) return found;
    // An unknown `kid` may be a key the issuer just rotated in: refetch, at most once per cooldown.
    if (!coolingDown()) {
      await refresh();
      const again = await matching(await usable(), header);
      if (again.length === 0 && stateOf().lastAttemptFailed) {
        throw new JwksUnavailableError(`key set from ${url.origin} unavailable`);
      }
      return again;
    }
    // Inside the cooldown after a failed fetch we cannot tell a new key from a forged one.
    if (stateOf().lastAttemptFailed) {
      throw new JwksUnavailableError(`key set from ${url.origin} unavailable`);
    }
    return found;
  };
}

/**
 * Forgets every cached key set (tests; an app never needs it).
 *
 * @example
 * afterEach(() => clearJwksCaches());
 */
export function clearJwksCaches(): void {
  states.clear();
}
