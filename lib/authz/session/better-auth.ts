/**
 * Reads Better Auth sessions at the Edge, without Better Auth and without its database: the
 * HMAC-signed `session_token` cookie plus the `session_data` cookie cache (`compact`, `jwt`, `jwe`),
 * with Better Auth's own cookie names, `__Secure-` rule, chunking and clock rules. A valid token
 * whose cache is absent, expired or stale is "unknown": middleware lets it through and the handler
 * asks Better Auth (`sessionFromBetterAuth`). tests/unit/session-better-auth.test.ts proves the
 * accept set equals `auth.api.getSession`'s.
 *
 * @see docs/sessions.md#better-auth
 */
import { bytesEqual } from "../crypto/sha256";
import { AuthzConfigError } from "../errors";
import {
  decodeCompactCache,
  decodeJweCache,
  decodeJwtCache,
  hmacOf,
  type BetterAuthCachePayload,
  type BetterAuthSessionLike,
  type BetterAuthSessionRow,
  type BetterAuthUserRow,
  type DecodedCache,
} from "./better-auth-cache";
import { cookiesOf, readChunkedCookie } from "./cookies";
import type { Authenticated, CredentialSource, SourceOutcome } from "./credential";
import { DEFAULT_MAX_TOKEN_BYTES } from "./jwe";
import type { SessionClaims } from "./source";

export type {
  BetterAuthCachePayload,
  BetterAuthSessionLike,
  BetterAuthSessionRow,
  BetterAuthUserRow,
};

/** How the app's Better Auth encodes its cookie cache (`session.cookieCache.strategy`). */
export type BetterAuthCacheStrategy = "compact" | "jwt" | "jwe";

/** One entry of Better Auth's versioned `secrets` option; the first entry is the current one. */
export interface BetterAuthSecret {
  readonly version: number;
  readonly value: string;
}

/** Better Auth's `session.cookieCache.version`: a string, or a function of the cached rows. */
export type BetterAuthCacheVersion =
  string | ((session: BetterAuthSessionRow, user: BetterAuthUserRow) => string | Promise<string>);

/**
 * Options of {@link betterAuthSession}: the same values as the app's `betterAuth({...})`.
 */
export interface BetterAuthSessionOptions {
  /**
   * Better Auth's `secret` (`BETTER_AUTH_SECRET`). A function is read per request. With `secrets`
   * set it is only the legacy secret, which the `jwe` cache still accepts.
   */
  readonly secret?: string | (() => string | undefined);
  /** Better Auth's versioned `secrets` (first = current); the token and `compact` use the first only. */
  readonly secrets?: readonly BetterAuthSecret[];
  /** `session.cookieCache.strategy`. @default "compact" */
  readonly strategy?: BetterAuthCacheStrategy;
  /** `advanced.cookiePrefix`. @default "better-auth" */
  readonly cookiePrefix?: string;
  /**
   * Whether Better Auth names its cookies `__Secure-…`: decided once per configuration, as Better
   * Auth does (`advanced.useSecureCookies`, else an `https://` baseURL, else production).
   */
  readonly secure: boolean;
  /** `session.cookieCache.version`: a cache of another version is not served. @default "1" */
  readonly version?: BetterAuthCacheVersion;
  /**
   * Maps the cached rows into the kit's claims (roles, tenant, plan); `null` refuses the session.
   * @default betterAuthClaims
   */
  readonly toClaims?: (payload: BetterAuthSessionLike) => SessionClaims | null;
  /** Largest cache (after chunks are joined), in characters. @default 16384 */
  readonly maxTokenBytes?: number;
  /** Verified-result cache; `false` turns it off. @default { max: 1000 } */
  readonly cache?: false | { readonly max?: number };
}

/**
 * Better Auth's default cookie prefix: cookies `better-auth.session_token` and `better-auth.session_data`.
 *
 * @example
 * betterAuthSession({ secret, secure: false, cookiePrefix: BETTER_AUTH_COOKIE_PREFIX });
 */
export const BETTER_AUTH_COOKIE_PREFIX = "better-auth";

/**
 * Better Auth's role list (the admin plugin's `user.role`, `"admin,support"`) as the kit's `roles`.
 *
 * @example
 * parseBetterAuthRoles(" admin, support ,"); // ["admin", "support"]
 */
export function parseBetterAuthRoles(role: unknown): string[] {
  if (typeof role !== "string") return [];
  return role
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/**
 * The default mapping: `sub` = user id, `email`, `name`, and `roles` from the comma list. Tenant
 * and plan are the app's to add (from its own account data), never a raw Better Auth field.
 *
 * @example
 * betterAuthSession({ secret, secure, toClaims: (p) => ({ ...betterAuthClaims(p), plan: planOf(p.user.id) }) });
 */
export function betterAuthClaims(payload: BetterAuthSessionLike): SessionClaims {
  const roles = parseBetterAuthRoles(payload.user.role);
  return {
    sub: payload.user.id,
    email: payload.user.email,
    name: typeof payload.user.name === "string" ? payload.user.name : null,
    ...(roles.length > 0 ? { roles } : {}),
  };
}

const COOKIE_PREFIX = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DEFAULT_CACHE_MAX = 1000;

function fail(why: string): never {
  throw new AuthzConfigError("invalid_session_options", "betterAuthSession options", why);
}

/**
 * A Better Auth date (ISO string in the cache, `Date` from `getSession`) in Unix ms; NaN otherwise.
 *
 * @example
 * betterAuthDateMs("2026-12-07T16:00:00.000Z"); // 1796659200000
 */
export function betterAuthDateMs(value: unknown): number {
  return typeof value === "string" || typeof value === "number" || value instanceof Date
    ? new Date(value).getTime()
    : Number.NaN;
}
const toMs = betterAuthDateMs;

/**
 * The signed `session_token` value's token, or null: `<token>.<base64 HMAC-SHA-256>`, the
 * signature 44 characters ending in `=`, split at the last `.`, as better-call checks it.
 */
function verifySessionToken(value: string, secret: string): string | null {
  const dot = value.lastIndexOf(".");
  if (dot < 1) return null;
  const signature = value.slice(dot + 1);
  if (signature.length !== 44 || !signature.endsWith("=")) return null;
  let mac: Uint8Array<ArrayBuffer>;
  try {
    // `atob`, as better-call decodes it: the same spellings are accepted.
    const binary = atob(signature);
    mac = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) mac[i] = binary.charCodeAt(i);
  } catch {
    return null;
  }
  const token = value.slice(0, dot);
  return bytesEqual(hmacOf(secret)(new TextEncoder().encode(token)), mac) ? token : null;
}

/** The verified session as the kit's credential, frozen: a cache hit hands out the same object. */
function sessionAuth(
  payload: BetterAuthCachePayload,
  claims: SessionClaims,
  source: string,
  servedUntilMs: number,
): Authenticated {
  const createdMs = toMs(payload.session.createdAt);
  return Object.freeze({
    claims: Object.freeze({ ...claims }),
    kind: "user",
    credential: "session",
    source,
    expiresAt: Math.floor(servedUntilMs / 1000),
    sessionId: payload.session.id,
    ...(Number.isFinite(createdMs) ? { authTime: Math.floor(createdMs / 1000) } : {}),
  } satisfies Authenticated);
}

interface Entry {
  /** The signed token cookie the cache was verified with: a hit needs the same one. */
  readonly token: string;
  readonly auth: Authenticated;
  readonly servedUntilMs: number;
  readonly identity: string;
}

/** Checks `secret` or `secrets` at start-up: one of them, each in its documented shape. */
function checkSecrets(
  secret: BetterAuthSessionOptions["secret"],
  secrets: BetterAuthSessionOptions["secrets"],
): void {
  if (secrets !== undefined) {
    if (!Array.isArray(secrets) || secrets.length === 0) fail(`"secrets" must be a non-empty list`);
    for (const entry of secrets as readonly unknown[]) {
      const { version: v, value } = (entry ?? {}) as Partial<BetterAuthSecret>;
      if (!Number.isSafeInteger(v) || (v as number) < 0 || typeof value !== "string" || !value)
        fail(`every "secrets" entry must be { version: integer >= 0, value: non-empty string }`);
    }
  } else if (typeof secret !== "function" && (typeof secret !== "string" || !secret)) {
    fail(`"secret" (or "secrets") is required: a non-empty string or a function returning one`);
  }
  if (secret !== undefined && typeof secret !== "string" && typeof secret !== "function")
    fail(`"secret" must be a string or a function returning one`);
}

/**
 * An edge-safe {@link CredentialSource} for Better Auth sessions: the signed token and its cookie
 * cache, bound to each other, of the configured version and unexpired.
 *
 * @example
 * export const session = betterAuthSession({
 *   secret: () => process.env.BETTER_AUTH_SECRET,
 *   secure: process.env.NODE_ENV === "production",
 * });
 * const outcome = await session.read(request); // { status: "ok", auth } | "unknown" | "invalid" | "none"
 * @see docs/sessions.md#better-auth
 */
export function betterAuthSession(options: BetterAuthSessionOptions): CredentialSource {
  if (typeof options !== "object" || options === null) fail("options are required");
  const {
    secret,
    secrets,
    strategy = "compact",
    cookiePrefix = BETTER_AUTH_COOKIE_PREFIX,
  } = options;
  const { secure, version = "1", toClaims = betterAuthClaims, cache } = options;
  const maxBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;

  checkSecrets(secret, secrets);
  if (strategy !== "compact" && strategy !== "jwt" && strategy !== "jwe")
    fail(`"strategy" must be "compact", "jwt" or "jwe", not ${JSON.stringify(strategy)}`);
  if (typeof cookiePrefix !== "string" || !COOKIE_PREFIX.test(cookiePrefix))
    fail(`invalid "cookiePrefix": ${String(cookiePrefix)}`);
  if (typeof secure !== "boolean")
    fail(`"secure" must be true or false: whether Better Auth names its cookies __Secure-…`);
  if (typeof version !== "string" && typeof version !== "function")
    fail(`"version" must be a string or a function`);
  if (typeof toClaims !== "function") fail(`"toClaims" must be a function`);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    fail(`"maxTokenBytes" must be a positive integer`);
  let cacheMax = 0;
  if (cache !== false) {
    cacheMax = cache?.max ?? DEFAULT_CACHE_MAX;
    if (!Number.isSafeInteger(cacheMax) || cacheMax < 1)
      fail(`"cache.max" must be a positive integer (use cache: false to disable)`);
  }
  // A version computed per session cannot be checked on a cache hit without recomputing it.
  if (typeof version === "function") cacheMax = 0;

  const prefix = secure ? "__Secure-" : "";
  const tokenName = `${prefix}${cookiePrefix}.session_token`;
  const dataName = `${prefix}${cookiePrefix}.session_data`;
  const name = "better-auth";

  /** [current, ...every secret the jwe cache accepts], as Better Auth orders them. */
  const secretsFor = (legacy: string | undefined): readonly string[] => {
    if (secrets !== undefined) {
      const all = secrets.map((entry) => entry.value);
      return legacy && !all.includes(legacy) ? [...all, legacy] : all;
    }
    if (typeof legacy !== "string" || !legacy)
      throw new Error(`betterAuthSession: no secret configured; set BETTER_AUTH_SECRET`);
    return [legacy];
  };
  // The list and the cache's identity for them, made again only when `secret()` answers another
  // value (a rotation), not on every request.
  let known: { legacy: string | undefined; all: readonly string[]; identity: string } | undefined;
  const readSecrets = () => {
    const legacy = typeof secret === "function" ? secret() : secret;
    if (known === undefined || known.legacy !== legacy) {
      const all = secretsFor(legacy);
      known = { legacy, all, identity: `${String(version)}\u0000${all.join("\u0000")}` };
    }
    return known;
  };

  const entries = new Map<string, Entry>();

  const decode = (value: string, all: readonly string[]): Promise<DecodedCache | null> =>
    strategy === "jwe"
      ? decodeJweCache(value, all, maxBytes)
      : strategy === "jwt"
        ? decodeJwtCache(value, all[0] ?? "", maxBytes)
        : decodeCompactCache(value, all[0] ?? "");

  async function read(request: Request): Promise<SourceOutcome> {
    // Secrets first: a missing secret is a misconfiguration to report even for anonymous requests.
    const { all, identity } = readSecrets();
    const header = request.headers.get("cookie");
    const tokenValue = header ? cookiesOf(header).get(tokenName) : undefined;
    if (!tokenValue) return { status: "none" };
    const dataValue = readChunkedCookie(header, dataName, maxBytes);
    const nowMs = Date.now();
    // Keyed by the cache cookie, the token beside it: no key string built per request.
    if (cacheMax > 0 && dataValue !== null) {
      const hit = entries.get(dataValue);
      if (hit) {
        entries.delete(dataValue);
        if (hit.token === tokenValue && hit.identity === identity && nowMs <= hit.servedUntilMs) {
          entries.set(dataValue, hit);
          return { status: "ok", auth: hit.auth };
        }
      }
    }

    // The token: signed with the current secret only (Better Auth ignores older `secrets` here).
    const token = verifySessionToken(tokenValue, all[0] ?? "");
    if (token === null)
      return { status: "invalid", error: "invalid_token", description: "session token" };
    if (dataValue === null) return { status: "unknown", reason: "no cookie cache" };
    const decoded = await decode(dataValue, all);
    if (!decoded) return { status: "unknown", reason: "cookie cache unreadable" };
    const { payload, expiresAtMs } = decoded;
    // Binding: a cache minted for another session (another user's) never speaks for this token.
    if (payload.session.token !== token)
      return { status: "unknown", reason: "cookie cache of another session" };
    const expected =
      typeof version === "string" ? version : await version(payload.session, payload.user);
    if ((payload.version ?? "1") !== expected)
      return { status: "unknown", reason: "cookie cache version" };
    const sessionExpiresMs = toMs(payload.session.expiresAt);
    if (expiresAtMs < nowMs || !Number.isFinite(sessionExpiresMs) || sessionExpiresMs < nowMs)
      return { status: "unknown", reason: "cookie cache expired" };

    const claims = toClaims(payload);
    if (claims === null)
      return { status: "invalid", error: "invalid_token", description: "session refused" };
    const servedUntilMs = Math.min(expiresAtMs, sessionExpiresMs);
    const auth = sessionAuth(payload, claims, name, servedUntilMs);
    if (cacheMax > 0) {
      if (entries.size >= cacheMax) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(dataValue, { token: tokenValue, auth, servedUntilMs, identity });
    }
    return { status: "ok", auth };
  }

  return {
    name,
    kind: "session",
    runtime: "edge",
    challenge: {
      scheme: "Cookie",
      params: { realm: "app", "form-action": "/api/auth/sign-in/email", "cookie-name": tokenName },
    },
    read,
  };
}
