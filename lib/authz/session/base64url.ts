/**
 * Base64url (RFC 4648 §5) without padding, strict on input: each byte string has exactly one
 * accepted spelling, so a token cannot be respelt into another cache key or a different parse.
 */

// One past the last ASCII code: the alphabet is ASCII, so anything from here up is refused.
const ASCII_END = 0x80;

const B64URL_VALUES = (() => {
  const table = new Int8Array(ASCII_END).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/**
 * Decodes unpadded, canonical base64url; `null` for any other character, padding, an impossible
 * length, or non-zero trailing bits (so each byte string has exactly one accepted spelling).
 *
 * @example
 * base64UrlDecode("aGk"); // Uint8Array [104, 105]
 */
export function base64UrlDecode(input: string): Uint8Array<ArrayBuffer> | null {
  const length = input.length;
  const remainder = length % 4;
  if (remainder === 1) return null;
  const out = new Uint8Array((length * 3) >> 2);
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < length; i++) {
    const code = input.charCodeAt(i);
    const value = code < ASCII_END ? (B64URL_VALUES[code] ?? -1) : -1;
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  if (bits > 0 && (buffer & ((1 << bits) - 1)) !== 0) return null;
  return o === out.length ? out : out.subarray(0, o);
}

/**
 * Encodes bytes as unpadded base64url.
 *
 * @example
 * base64UrlEncode(new Uint8Array([104, 105])); // "aGk"
 */
export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] ?? 0);
  return btoa(binary).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}
