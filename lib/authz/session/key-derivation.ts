/**
 * The content keys of Auth.js v5, NextAuth v4 and Better Auth session tokens: HKDF-SHA-256 over the
 * secret with each library's salt and info, imported into Web Crypto once and cached for the process.
 */
import { base64UrlEncode } from "./base64url";
import { ENC_PARAMS, type Bytes, type JweEncryption, type JweKey } from "./jwe";

const encoder = new TextEncoder();

/**
 * Which library's HKDF parameters to derive a key with.
 */
export type KeyDerivation = "authjs" | "nextauth-v4" | "better-auth";

/** HKDF-SHA-256 parameters of each library: the same secret yields unrelated keys in each. */
function derivationParams(derivation: KeyDerivation, salt: string, enc: JweEncryption) {
  const length = ENC_PARAMS[enc].keyBytes;
  if (derivation === "authjs")
    return { salt, info: `Auth.js Generated Encryption Key (${salt})`, length };
  // Better Auth's info has no salt suffix, and it always derives 64 bytes (so an `A256GCM` token,
  // which its decrypt lists, can never decrypt: jose refuses the key size).
  if (derivation === "better-auth")
    return { salt, info: "BetterAuth.js Generated Encryption Key", length: 64 };
  // v4 appends ` (${salt})` only for a non-empty salt; its session cookies always use "".
  return { salt, info: `NextAuth.js Generated Encryption Key${salt ? ` (${salt})` : ""}`, length };
}

async function importJweKey(
  raw: Bytes,
  enc: JweEncryption,
  derivation: KeyDerivation,
): Promise<JweKey> {
  const kidInput = encoder.encode(`{"k":"${base64UrlEncode(raw)}","kty":"oct"}`);
  // Auth.js writes a SHA-512 thumbprint for its 64-byte keys; Better Auth a SHA-256 one always.
  const kidHash = raw.length === 64 && derivation !== "better-auth" ? "SHA-512" : "SHA-256";
  const kid = base64UrlEncode(new Uint8Array(await crypto.subtle.digest(kidHash, kidInput)));
  if (raw.length !== ENC_PARAMS[enc].keyBytes) throw new Error("key size does not fit enc");
  if (enc === "A256CBC-HS512") {
    const [macKey, aesKey] = await Promise.all([
      crypto.subtle.importKey("raw", raw.slice(0, 32), { name: "HMAC", hash: "SHA-512" }, false, [
        "sign",
      ]),
      crypto.subtle.importKey("raw", raw.slice(32), "AES-CBC", false, ["decrypt"]),
    ]);
    return { enc, kid, aesKey, macKey };
  }
  const aesKey = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
  return { enc, kid, aesKey, macKey: null };
}

// Keys are derived and imported once per (derivation, enc, salt, secret); the bound only matters
// if an app feeds ever-changing secrets, and then the oldest entries go first.
const KEY_CACHE_MAX = 64;
const keyCache = new Map<string, Promise<JweKey>>();

/**
 * Derives (HKDF-SHA-256) and imports the content key for a secret, cached for the process.
 *
 * @example
 * const key = await deriveJweKey(process.env.AUTH_SECRET!, "authjs.session-token", "authjs", "A256CBC-HS512");
 */
export function deriveJweKey(
  secret: string,
  salt: string,
  derivation: KeyDerivation,
  enc: JweEncryption,
): Promise<JweKey> {
  const cacheKey = `${derivation}\u0000${enc}\u0000${salt}\u0000${secret}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const pending = (async () => {
    const params = derivationParams(derivation, salt, enc);
    const ikm = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, [
      "deriveBits",
    ]);
    const bits = await crypto.subtle.deriveBits(
      {
        name: "HKDF",
        hash: "SHA-256",
        salt: encoder.encode(params.salt),
        info: encoder.encode(params.info),
      },
      ikm,
      params.length * 8,
    );
    return importJweKey(new Uint8Array(bits), enc, derivation);
  })();
  // A failed import must not poison the cache for the next request.
  pending.catch(() => keyCache.delete(cacheKey));
  if (keyCache.size >= KEY_CACHE_MAX) {
    const oldest = keyCache.keys().next();
    if (!oldest.done) keyCache.delete(oldest.value);
  }
  keyCache.set(cacheKey, pending);
  return pending;
}
