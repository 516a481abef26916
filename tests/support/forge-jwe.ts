/**
 * Builds compact `dir` JWEs with node:crypto, independently of the kit's Web Crypto reader, so the
 * corpus tests can hand it tokens no library would write: any header, any plaintext, a header that
 * names one `enc` while the content is encrypted with another.
 */
import { createCipheriv, createHmac, randomBytes } from "node:crypto";

/** Content encryptions the corpus tests forge. */
export type ForgedEnc = "A256GCM" | "A256CBC-HS512" | "A128CBC-HS256";

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");

/**
 * A compact JWE: `header` is written as given (base64url JSON), the content is encrypted with `key`
 * under `enc` (RFC 7518 §5.2 for the CBC-HMAC pairs: MAC key first, tag = half the HMAC).
 */
export function forgeJwe(
  header: Record<string, unknown>,
  plaintext: Uint8Array | string,
  key: Buffer,
  enc: ForgedEnc,
): string {
  const protectedHeader = b64u(JSON.stringify(header));
  const aad = Buffer.from(protectedHeader, "ascii");
  const data = Buffer.from(plaintext);
  if (enc === "A256GCM") {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return [protectedHeader, "", b64u(iv), b64u(ciphertext), b64u(cipher.getAuthTag())].join(".");
  }
  const half = enc === "A256CBC-HS512" ? 32 : 16;
  const iv = randomBytes(16);
  const cipher = createCipheriv(
    half === 32 ? "aes-256-cbc" : "aes-128-cbc",
    key.subarray(half, 2 * half),
    iv,
  );
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length * 8));
  const mac = createHmac(half === 32 ? "sha512" : "sha256", key.subarray(0, half));
  const tag = mac
    .update(Buffer.concat([aad, iv, ciphertext, al]))
    .digest()
    .subarray(0, half);
  return [protectedHeader, "", b64u(iv), b64u(ciphertext), b64u(tag)].join(".");
}
