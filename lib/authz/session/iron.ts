/**
 * Unsealing iron seals (`Fe26.2*...`, iron-webcrypto 2, as iron-session 9 writes them) on Web Crypto
 * alone: PBKDF2-SHA-1 (one iteration) derives an HMAC-SHA-256 key and an AES-256-CBC key from the
 * password and each seal's own salts; the MAC covers every part but itself, and is checked before
 * anything is decrypted. Anything malformed, unauthentic or expired is `null`, never a throw.
 *
 * @see docs/sessions.md#sealed-cookies-iron-session
 */
import { base64UrlDecode } from "./base64url";

/** iron's clock skew on a seal's expiry, in seconds (`timestampSkewSec`). */
export const IRON_SKEW_SEC = 60;
const MAC_PREFIX = "Fe26.2";
const encoder = new TextEncoder();

// The PBKDF2 base key of each password, imported once: a seal's salts are its own, the password is not.
const baseKeys = new Map<string, Promise<CryptoKey>>();
const MAX_BASE_KEYS = 16;

function baseKey(password: string): Promise<CryptoKey> {
  let key = baseKeys.get(password);
  if (!key) {
    if (baseKeys.size >= MAX_BASE_KEYS) baseKeys.clear();
    key = crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveKey"]);
    baseKeys.set(password, key);
  }
  return key;
}

async function pbkdf2Key(
  password: string,
  salt: string,
  algorithm: HmacImportParams | AesKeyAlgorithm,
  usage: KeyUsage,
): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", salt: encoder.encode(salt), iterations: 1, hash: "SHA-1" },
    await baseKey(password),
    algorithm,
    false,
    [usage],
  );
}

/** What {@link unsealIron} found in a seal that passed its checks. */
export interface Unsealed {
  readonly value: unknown;
  /** The seal's expiry in Unix ms, or `undefined` for a seal sealed without a TTL. */
  readonly expiresAtMs?: number;
}

/**
 * Unseals an iron seal with a password map (id → password, as iron-session keeps them); `null`
 * for a malformed, tampered, unknown-password or expired seal (`expiry <= now - 60 s`). A trailing
 * `~<version>` (outside the MAC) is stripped and ignored, as iron-session 9 does.
 *
 * @example
 * const unsealed = await unsealIron(cookieValue, { "1": process.env.SESSION_PASSWORD! });
 */
export async function unsealIron(
  seal: string,
  passwords: Readonly<Record<string, string>>,
  nowMs: number = Date.now(),
): Promise<Unsealed | null> {
  const tilde = seal.indexOf("~");
  const body = tilde === -1 ? seal : seal.slice(0, tilde);
  const parts = body.split("*");
  if (parts.length !== 8) return null;
  const [prefix, passwordId, encSalt, ivB64, dataB64, expiration, macSalt, macB64] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (prefix !== MAC_PREFIX) return null;
  let expiresAtMs: number | undefined;
  if (expiration !== "") {
    if (!/^[1-9]\d*$/.test(expiration)) return null;
    expiresAtMs = Number.parseInt(expiration, 10);
    if (expiresAtMs <= nowMs - IRON_SKEW_SEC * 1000) return null;
  }
  const id = passwordId === "" ? "default" : passwordId;
  if (!Object.hasOwn(passwords, id)) return null;
  const password = passwords[id];
  // iron draws a random salt when a seal's is empty: such a seal can never verify.
  if (!password || encSalt === "" || macSalt === "") return null;
  const mac = base64UrlDecode(macB64);
  const iv = base64UrlDecode(ivB64);
  const data = base64UrlDecode(dataB64);
  if (!mac || !iv || !data || iv.length !== 16 || data.length === 0 || data.length % 16 !== 0) {
    return null;
  }
  try {
    // Both keys are derived at once; nothing is decrypted before the MAC has been checked.
    const [macKey, aesKey] = await Promise.all([
      pbkdf2Key(password, macSalt, { name: "HMAC", hash: "SHA-256", length: 256 }, "verify"),
      pbkdf2Key(password, encSalt, { name: "AES-CBC", length: 256 }, "decrypt"),
    ]);
    const macInput = encoder.encode(parts.slice(0, 6).join("*"));
    if (!(await crypto.subtle.verify("HMAC", macKey, mac, macInput))) return null;
    const plaintext = await crypto.subtle.decrypt({ name: "AES-CBC", iv }, aesKey, data);
    const value: unknown = JSON.parse(new TextDecoder().decode(plaintext));
    return expiresAtMs === undefined ? { value } : { value, expiresAtMs };
  } catch {
    return null;
  }
}
