/**
 * The machinery shared by the Auth.js v5 and NextAuth v4 readers: option checks at definition,
 * the secret read per request, the cookie name chosen by scheme, and the verified-token cache.
 * Internal: apps use `authJsSession` / `nextAuthV4Session`.
 */
import { AuthzConfigError } from "../errors";
import { isHttpsRequest } from "../http/scheme";
import { readChunkedCookie } from "./cookies";
import {
  DEFAULT_CLOCK_TOLERANCE_SEC,
  DEFAULT_MAX_TOKEN_BYTES,
  decryptJwt,
  type JweEncryption,
  type KeyResolver,
} from "./jwe";
import type { SessionClaims, SessionSource } from "./source";

/**
 * A secret, a rotation list (first = current), or a function read on every request.
 */
export type SecretInput =
  string | readonly string[] | (() => string | readonly string[] | undefined);

/**
 * Options shared by the JWT cookie readers.
 */
export interface JwtSessionOptions {
  /**
   * The secret(s) the tokens were encrypted with. A list enables rotation (every entry is accepted;
   * the first is the current one). A function is called per request, so
   * `() => process.env.AUTH_SECRET` sees the runtime environment rather than the build's.
   */
  readonly secret: SecretInput;
  /** Session cookie name; by default the library's own, `__Secure-` prefixed on HTTPS requests. */
  readonly cookieName?: string;
  /** Seconds of clock skew tolerated on `exp`/`nbf`/`iat`. @default 15 */
  readonly clockToleranceSec?: number;
  /** Largest token (after chunks are joined), in characters. @default 16384 */
  readonly maxTokenBytes?: number;
  /** Verified-token cache; `false` turns it off. @default { max: 1000 } */
  readonly cache?: false | { readonly max?: number };
}

/**
 * What distinguishes one library's reader from the other.
 */
export interface JwtCookieFlavour {
  /** Name used in error messages, e.g. `authJsSession`. */
  readonly label: string;
  /** Cookie name over plain HTTP; HTTPS adds `__Secure-`. */
  readonly defaultCookieName: string;
  readonly encs: readonly JweEncryption[];
  /** Key candidates for a token, given the current secrets and cookie name. */
  readonly keys: (secrets: readonly string[], cookieName: string) => KeyResolver;
}

/**
 * Default number of verified tokens kept.
 *
 * @example
 * authJsSession({ secret, cache: { max: DEFAULT_CACHE_MAX * 10 } });
 */
export const DEFAULT_CACHE_MAX = 1000;

interface CacheEntry {
  readonly claims: SessionClaims;
  readonly expSec: number;
  /** Secrets and cookie name the token was verified under; any change means verify again. */
  readonly identity: string;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

function assertSecretList(label: string, secrets: readonly unknown[]): readonly string[] {
  if (secrets.length === 0)
    throw new AuthzConfigError(
      "invalid_session_options",
      `${label} options`,
      `"secret" is an empty list`,
    );
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length === 0) {
      throw new AuthzConfigError(
        "invalid_session_options",
        `${label} options`,
        `every "secret" must be a non-empty string`,
      );
    }
  }
  return secrets as readonly string[];
}

// RFC 6265 token characters: a name outside them could never be sent back by a browser.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The options of {@link createJwtCookieSource}, checked, with their defaults. */
interface CheckedOptions {
  readonly staticSecrets: readonly string[] | undefined;
  readonly cookieName: string | undefined;
  readonly tolerance: number;
  readonly maxBytes: number;
  /** 0 when the cache is off. */
  readonly cacheMax: number;
}

/** Checks the options at start-up: each misconfiguration is an AuthzConfigError naming it. */
function checkOptions(options: JwtSessionOptions, label: string): CheckedOptions {
  const invalid = (why: string): never => {
    throw new AuthzConfigError("invalid_session_options", `${label} options`, why);
  };
  if (typeof options !== "object" || options === null) invalid(`options are required`);
  const { secret, cookieName, clockToleranceSec, maxTokenBytes, cache } = options;

  let staticSecrets: readonly string[] | undefined;
  if (typeof secret === "string") staticSecrets = assertSecretList(label, [secret]);
  else if (Array.isArray(secret)) staticSecrets = assertSecretList(label, secret);
  else if (typeof secret !== "function")
    invalid(`"secret" must be a string, a list of strings, or a function returning one`);
  if (cookieName !== undefined && (typeof cookieName !== "string" || !COOKIE_NAME.test(cookieName)))
    invalid(`invalid "cookieName": ${String(cookieName)}`);
  const tolerance = clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  if (typeof tolerance !== "number" || !Number.isFinite(tolerance) || tolerance < 0)
    invalid(`"clockToleranceSec" must be a finite number >= 0`);
  const maxBytes = maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    invalid(`"maxTokenBytes" must be a positive integer`);
  const cacheMax = cache === false ? 0 : (cache?.max ?? DEFAULT_CACHE_MAX);
  if (cache !== false && (!Number.isSafeInteger(cacheMax) || cacheMax < 1))
    invalid(`"cache.max" must be a positive integer (use cache: false to disable)`);
  return { staticSecrets, cookieName, tolerance, maxBytes, cacheMax };
}

/**
 * Builds a {@link SessionSource} for a JWE session cookie, validating `options` now (a
 * misconfiguration is an AuthzConfigError at startup, not a denied request later).
 *
 * @example
 * const source = createJwtCookieSource(options, authJsFlavour);
 */
export function createJwtCookieSource(
  options: JwtSessionOptions,
  flavour: JwtCookieFlavour,
): SessionSource {
  const { label } = flavour;
  const { staticSecrets, cookieName, tolerance, maxBytes, cacheMax } = checkOptions(options, label);
  const { secret } = options;

  const secureName = `__Secure-${flavour.defaultCookieName}`;
  const dynamicSecret = typeof secret === "function" ? secret : undefined;
  const readSecrets = (): readonly string[] => {
    if (staticSecrets) return staticSecrets;
    const value = dynamicSecret?.();
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
      throw new Error(
        `${label}: no secret configured (the "secret" function returned nothing); set AUTH_SECRET`,
      );
    }
    if (typeof value === "string") return assertSecretList(label, [value]);
    if (Array.isArray(value)) return assertSecretList(label, value);
    throw new AuthzConfigError(
      "invalid_session_options",
      `${label} options`,
      `the "secret" function must return a string or a list of strings`,
    );
  };

  const entries = new Map<string, CacheEntry>();
  const decryptOptions = {
    encs: flavour.encs,
    maxTokenBytes: maxBytes,
    clockToleranceSec: tolerance,
  };

  return async function readJwtSession(request: Request): Promise<SessionClaims | null> {
    // Secrets first: a missing secret is a misconfiguration to report even for anonymous requests.
    const secrets = readSecrets();
    const name = cookieName ?? (isHttpsRequest(request) ? secureName : flavour.defaultCookieName);
    const token = readChunkedCookie(request.headers.get("cookie"), name, maxBytes);
    if (token === null) return null;

    const nowSec = Math.floor(Date.now() / 1000);
    const identity = cacheMax > 0 ? `${name}\u0000${secrets.join("\u0000")}` : "";
    if (cacheMax > 0) {
      const hit = entries.get(token);
      if (hit) {
        // Served only strictly before `exp`: the tolerance is for clocks, not for stretching a cache.
        if (hit.identity === identity && nowSec < hit.expSec) {
          entries.delete(token);
          entries.set(token, hit);
          return hit.claims;
        }
        entries.delete(token);
      }
    }

    const claims = await decryptJwt(token, flavour.keys(secrets, name), {
      ...decryptOptions,
      nowSec,
    });
    if (!claims) return null;
    deepFreeze(claims);
    // Tokens without a numeric `exp` are not cached: nothing would bound how long they are served.
    if (cacheMax > 0 && typeof claims.exp === "number" && nowSec < claims.exp) {
      if (entries.size >= cacheMax) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(token, { claims, expSec: claims.exp, identity });
    }
    return claims;
  };
}
