/**
 * Compact JWE (`alg: "dir"`) decryption and JWT claim checks on Web Crypto alone, so the same code
 * runs in Edge middleware, `proxy.ts` on Node, and route handlers. Built to read what Auth.js v5
 * (`A256CBC-HS512`, and `A256GCM`, which its `decode` also takes) and NextAuth v4 (`A256GCM`) issue,
 * and nothing looser: every malformed or unexpected input is `null`, never an exception.
 */
import { base64UrlDecode } from "./base64url";
import type { SessionClaims } from "./source";

/**
 * A JWE content encryption algorithm this module can decrypt.
 */
export type JweEncryption = "A256CBC-HS512" | "A256GCM";

/**
 * A content encryption key, imported once and reused for every token it decrypts.
 */
export interface JweKey {
  readonly enc: JweEncryption;
  /** RFC 7638 thumbprint of the raw key: what Auth.js v5 writes as the token's `kid`. */
  readonly kid: string;
  readonly aesKey: CryptoKey;
  /** HMAC-SHA-512 half of an `A256CBC-HS512` key; `null` for `A256GCM`. */
  readonly macKey: CryptoKey | null;
}

/**
 * The protected header of a token that passed the strict header check.
 */
export interface JweHeader {
  readonly alg: "dir";
  readonly enc: JweEncryption;
  readonly kid?: string;
}

/**
 * Limits applied by {@link decryptJwt}.
 */
export interface DecryptOptions {
  /** Content encryption algorithms accepted in the header; anything else is rejected. */
  readonly encs: readonly JweEncryption[];
  /** Largest token, in characters, that is decrypted at all. @default 16384 */
  readonly maxTokenBytes?: number;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. @default 15 */
  readonly clockToleranceSec?: number;
  /** Current time in Unix seconds; tests pin it. @default Math.floor(Date.now() / 1000) */
  readonly nowSec?: number;
}

/**
 * Returns the keys worth trying for a header, in order; an empty list means "no session".
 */
export type KeyResolver = (header: JweHeader) => Promise<readonly JweKey[]>;

/**
 * Default largest token: four Auth.js cookie chunks (3936 characters each) fit under it.
 *
 * @example
 * authJsSession({ secret, maxTokenBytes: 2 * DEFAULT_MAX_TOKEN_BYTES });
 */
export const DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;
/**
 * Default clock skew, the value Auth.js and NextAuth v4 pass to `jose`.
 *
 * @example
 * authJsSession({ secret, clockToleranceSec: DEFAULT_CLOCK_TOLERANCE_SEC * 2 });
 */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 15;

/** Sizes in bytes of each content encryption: the key, the IV and the authentication tag. */
export const ENC_PARAMS: Readonly<
  Record<JweEncryption, { keyBytes: number; ivBytes: number; tagBytes: number }>
> = {
  "A256CBC-HS512": { keyBytes: 64, ivBytes: 16, tagBytes: 32 },
  A256GCM: { keyBytes: 32, ivBytes: 12, tagBytes: 16 },
};

// Header members Auth.js and NextAuth v4 write (alg, enc, kid) plus `typ`, which is harmless.
// `zip` (decompression bombs), `crit` (extensions we do not implement), replicated claims and
// anything else are refused outright rather than interpreted.
const ALLOWED_HEADER_MEMBERS = new Set(["alg", "enc", "kid", "typ"]);

const encoder = new TextEncoder();
// `fatal` so that invalid UTF-8 is an invalid token, as with jose's strict decoder.
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** True for `{...}` from JSON.parse: not an array, not null, not a class instance (jose's test). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (
    typeof value !== "object" ||
    value === null ||
    Object.prototype.toString.call(value) !== "[object Object]"
  ) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function isEncryption(value: unknown, allowed: readonly JweEncryption[]): value is JweEncryption {
  return typeof value === "string" && (allowed as readonly string[]).includes(value);
}

function parseHeader(segment: string, encs: readonly JweEncryption[]): JweHeader | null {
  const bytes = base64UrlDecode(segment);
  if (!bytes) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictDecoder.decode(bytes));
  } catch {
    return null;
  }
  if (!isPlainObject(parsed)) return null;
  for (const member of Object.keys(parsed)) if (!ALLOWED_HEADER_MEMBERS.has(member)) return null;
  const { alg, enc, kid, typ } = parsed;
  if (alg !== "dir" || !isEncryption(enc, encs)) return null;
  if (kid !== undefined && typeof kid !== "string") return null;
  if (typ !== undefined && typeof typ !== "string") return null;
  return kid === undefined ? { alg, enc } : { alg, enc, kid };
}

/** Length-independent-time comparison: the loop never exits early on a mismatching byte. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function uint64BigEndian(value: number): Uint8Array {
  const out = new Uint8Array(8);
  const high = Math.floor(value / 2 ** 32);
  const low = value % 2 ** 32;
  new DataView(out.buffer).setUint32(0, high);
  new DataView(out.buffer).setUint32(4, low);
  return out;
}

// Web Crypto wants ArrayBuffer-backed views; our decoder always allocates fresh ones.
export type Bytes = Uint8Array<ArrayBuffer>;

async function decryptContent(
  key: JweKey,
  aad: Bytes,
  iv: Bytes,
  ciphertext: Bytes,
  tag: Bytes,
): Promise<Uint8Array | null> {
  try {
    if (key.macKey) {
      // RFC 7518 §5.2.2.2: authenticate AAD || IV || ciphertext || AL before touching the padding.
      const macInput = concatBytes(aad, iv, ciphertext, uint64BigEndian(aad.length * 8));
      const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key.macKey, macInput));
      if (!constantTimeEqual(mac.subarray(0, 32), tag)) return null;
      return new Uint8Array(
        await crypto.subtle.decrypt({ name: "AES-CBC", iv }, key.aesKey, ciphertext),
      );
    }
    const sealed = concatBytes(ciphertext, tag);
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv, additionalData: aad, tagLength: 128 },
        key.aesKey,
        sealed,
      ),
    );
  } catch {
    return null;
  }
}

/**
 * Whether `exp`, `nbf` and `iat` pass, exactly as jose checks them for Auth.js and NextAuth v4 (a
 * future `iat` included, as both accept it).
 *
 * @example
 * isCurrentToken({ exp: 2_000_000_000 }, 1_700_000_000, 15); // true
 * @see docs/sessions.md#token-lifetime-and-clock-skew
 */
export function isCurrentToken(
  claims: Readonly<Record<string, unknown>>,
  nowSec: number,
  toleranceSec: number,
): boolean {
  const { iat, nbf, exp } = claims;
  if (iat !== undefined && typeof iat !== "number") return false;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > nowSec + toleranceSec)) return false;
  if (exp !== undefined && (typeof exp !== "number" || exp <= nowSec - toleranceSec)) return false;
  return true;
}

/**
 * Decrypts a compact `dir` JWE and returns its JWT claims, or `null` for anything that is not a
 * well-formed, authentic, currently valid token. The size limit is checked before any decoding.
 *
 * @example
 * const claims = await decryptJwt(token, async (h) => [await deriveJweKey(secret, salt, "authjs", h.enc)], {
 *   encs: ["A256CBC-HS512"],
 * });
 */
export async function decryptJwt(
  token: string,
  resolveKeys: KeyResolver,
  options: DecryptOptions,
): Promise<SessionClaims | null> {
  const maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  if (typeof token !== "string" || token.length === 0 || token.length > maxTokenBytes) return null;

  const segments = token.split(".");
  if (segments.length !== 5) return null;
  const [
    headerSegment = "",
    encryptedKey,
    ivSegment = "",
    ciphertextSegment = "",
    tagSegment = "",
  ] = segments;
  // `dir` carries no encrypted key: a non-empty second segment is a different algorithm in disguise.
  if (encryptedKey !== "") return null;

  const header = parseHeader(headerSegment, options.encs);
  if (!header) return null;
  const params = ENC_PARAMS[header.enc];
  const iv = base64UrlDecode(ivSegment);
  const ciphertext = base64UrlDecode(ciphertextSegment);
  const tag = base64UrlDecode(tagSegment);
  if (!iv || !ciphertext || !tag) return null;
  if (iv.length !== params.ivBytes || tag.length !== params.tagBytes || ciphertext.length === 0)
    return null;

  const keys = await resolveKeys(header);
  // The header segment is pure base64url here, so its characters are its ASCII bytes.
  const aad = encoder.encode(headerSegment);
  let plaintext: Uint8Array | null = null;
  for (const key of keys) {
    if (key.enc !== header.enc) continue;
    plaintext = await decryptContent(key, aad, iv, ciphertext, tag);
    if (plaintext) break;
  }
  if (!plaintext) return null;

  let claims: unknown;
  try {
    claims = JSON.parse(strictDecoder.decode(plaintext));
  } catch {
    return null;
  }
  if (!isPlainObject(claims)) return null;
  const nowSec = options.nowSec ?? Math.floor(Date.now() / 1000);
  if (!isCurrentToken(claims, nowSec, options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC))
    return null;
  return claims;
}
