/**
 * Better Auth's cookie cache (`session_data`) in its `compact`, `jwt` and `jwe` strategies, decoded and
 * checked on Web Crypto alone, exactly as `better-auth` 1.7 decodes them in `getSession`. Internal:
 * apps use `betterAuthSession`. Every malformed or inauthentic value is `null`, never a throw.
 */
import { base64UrlDecode } from "./base64url";
import { decryptJwt, type JweKey } from "./jwe";
import { bytesEqual, hmacSha256 } from "../crypto/sha256";
import { importHmacSecret, verifyJws, type JwsKey } from "./jws";
import { deriveJweKey } from "./key-derivation";

/** The session row Better Auth keeps in its cache: the fields the kit reads, and any others. */
export interface BetterAuthSessionRow {
  readonly id: string;
  readonly userId: string;
  /** The opaque session token: the database key, and a working credential. Never log it. */
  readonly token: string;
  /** When the session is over: an ISO string in the cookie cache, a `Date` from `getSession`. */
  readonly expiresAt: string | number | Date;
  readonly createdAt?: string | number | Date;
  readonly activeOrganizationId?: string | null;
  readonly [field: string]: unknown;
}

/** The user row Better Auth keeps in its cache. */
export interface BetterAuthUserRow {
  readonly id: string;
  readonly email: string;
  readonly name?: string | null;
  /** The admin plugin's roles: a comma-separated list such as `"admin,support"`. */
  readonly role?: string | null;
  readonly [field: string]: unknown;
}

/** A session and its user, as `auth.api.getSession` answers and as the cookie cache carries them. */
export interface BetterAuthSessionLike {
  readonly session: BetterAuthSessionRow;
  readonly user: BetterAuthUserRow;
}

/** What every cookie cache strategy carries: Better Auth's payload `{ session, user, updatedAt, version }`. */
export interface BetterAuthCachePayload extends BetterAuthSessionLike {
  readonly updatedAt: number;
  readonly version?: string;
}

/** A decoded, authentic cache and when it stops being served (Unix milliseconds). */
export interface DecodedCache {
  readonly payload: BetterAuthCachePayload;
  readonly expiresAtMs: number;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isDateLike = (value: unknown): boolean =>
  (typeof value === "string" || typeof value === "number") &&
  Number.isFinite(new Date(value).getTime());

/**
 * The fields `getSession` relies on, with the types its schema demands; anything else is no cache.
 *
 * @example
 * toPayload(JSON.parse(json)); // BetterAuthCachePayload or null
 */
export function toPayload(value: unknown): BetterAuthCachePayload | null {
  if (!isRecord(value)) return null;
  const { session, user, updatedAt, version } = value;
  if (!isRecord(session) || !isRecord(user)) return null;
  if (typeof updatedAt !== "number") return null;
  if (version !== undefined && typeof version !== "string") return null;
  const { id, userId, token, expiresAt } = session;
  if (typeof id !== "string" || typeof userId !== "string" || typeof token !== "string")
    return null;
  if (!isDateLike(expiresAt)) return null;
  if (typeof user.id !== "string" || user.id.length === 0 || typeof user.email !== "string")
    return null;
  return value as unknown as BetterAuthCachePayload;
}

const hmacs = new Map<string, (data: Uint8Array) => Uint8Array>();
const HMACS_MAX = 16;

/**
 * HMAC-SHA-256 over the raw secret bytes (no KDF), as Better Auth signs with; set up once per
 * secret. The kit's synchronous HMAC: a cookie's signature is checked on every cold read, and Web
 * Crypto's job hop cost more than the hash.
 *
 * @example
 * const tag = hmacOf(process.env.BETTER_AUTH_SECRET!)(new TextEncoder().encode(token));
 */
export function hmacOf(secret: string): (data: Uint8Array) => Uint8Array {
  const cached = hmacs.get(secret);
  if (cached) return cached;
  const mac = hmacSha256(encoder.encode(secret));
  if (hmacs.size >= HMACS_MAX) {
    const oldest = hmacs.keys().next();
    if (!oldest.done) hmacs.delete(oldest.value);
  }
  hmacs.set(secret, mac);
  return mac;
}

/**
 * Decodes a `compact` cache: `base64url(JSON{ session, expiresAt, signature })`, the signature an
 * HMAC-SHA-256 with the current secret over `JSON.stringify({ ...session, expiresAt })` (the parsed
 * object re-serialised, as Better Auth verifies it).
 *
 * @example
 * const cache = await decodeCompactCache(cookieValue, secret);
 */
export async function decodeCompactCache(
  value: string,
  secret: string,
): Promise<DecodedCache | null> {
  const bytes = base64UrlDecode(value);
  if (!bytes) return null;
  let outer: unknown;
  try {
    outer = JSON.parse(strictDecoder.decode(bytes));
  } catch {
    return null;
  }
  if (!isRecord(outer)) return null;
  const { session, expiresAt, signature } = outer;
  if (!isRecord(session) || typeof expiresAt !== "number" || typeof signature !== "string")
    return null;
  const mac = base64UrlDecode(signature);
  if (!mac || mac.length !== 32) return null;
  const signed = encoder.encode(JSON.stringify({ ...session, expiresAt }));
  if (!bytesEqual(hmacOf(secret)(signed), mac)) return null;
  const payload = toPayload(session);
  return payload ? { payload, expiresAtMs: expiresAt } : null;
}

/** Better Auth's HKDF salt for the session cache JWE. */
export const BETTER_AUTH_JWE_SALT = "better-auth-session";

/**
 * Decodes a `jwe` cache: `dir` + `A256CBC-HS512`, key by HKDF from each secret. A `kid` picks the
 * secret with that thumbprint; a token without one is tried with every secret, current first,
 * the way Better Auth's `symmetricDecodeJWT` does. Clock tolerance 15 s, as its `jwtDecrypt`.
 *
 * @example
 * const cache = await decodeJweCache(cookieValue, ["current-secret", "old-secret"]);
 */
export async function decodeJweCache(
  value: string,
  secrets: readonly string[],
  maxTokenBytes: number,
): Promise<DecodedCache | null> {
  const claims = await decryptJwt(
    value,
    async (header) => {
      const keys: JweKey[] = [];
      for (const secret of secrets) {
        const key = await deriveJweKey(secret, BETTER_AUTH_JWE_SALT, "better-auth", header.enc);
        if (header.kid === undefined) keys.push(key);
        else if (key.kid === header.kid) return [key];
      }
      return keys;
    },
    { encs: ["A256CBC-HS512"], maxTokenBytes, clockToleranceSec: 15 },
  );
  if (!claims) return null;
  const payload = toPayload(claims);
  if (!payload) return null;
  // Better Auth reads a cache without `exp` as expiring this very millisecond; it never writes one.
  // The kit does not serve it at all: the handler asks Better Auth.
  if (typeof claims.exp !== "number") return null;
  return { payload, expiresAtMs: claims.exp * 1000 };
}

const jwsKeys = new Map<string, Promise<JwsKey>>();

/**
 * Decodes a `jwt` cache: a JWS `{"alg":"HS256"}` over the payload, keyed by the current secret's
 * raw bytes, no clock tolerance (Better Auth's `jwtVerify` with jose's defaults).
 *
 * @example
 * const cache = await decodeJwtCache(cookieValue, secret, 16384);
 */
export async function decodeJwtCache(
  value: string,
  secret: string,
  maxTokenBytes: number,
): Promise<DecodedCache | null> {
  let key = jwsKeys.get(secret);
  if (!key) {
    key = importHmacSecret(secret);
    key.catch(() => jwsKeys.delete(secret));
    if (jwsKeys.size >= HMACS_MAX) {
      const oldest = jwsKeys.keys().next();
      if (!oldest.done) jwsKeys.delete(oldest.value);
    }
    jwsKeys.set(secret, key);
  }
  const resolved = await key;
  const verified = await verifyJws(value, async () => [resolved], {
    algorithms: ["HS256"],
    maxTokenBytes,
  });
  if (!verified || typeof verified.claims.exp !== "number") return null;
  const payload = toPayload(verified.claims);
  return payload ? { payload, expiresAtMs: verified.claims.exp * 1000 } : null;
}
