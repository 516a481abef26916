/** HMAC-SHA256 tags over text, from a secret read per use (so it may rotate). Edge-safe. */
import { hmacSha256 } from "../crypto/sha256";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A tag: the first 16 bytes of the MAC, base64url. */
const tagOf = (mac: Uint8Array): string => base64url(mac.subarray(0, 16));

/** Whether two tags are equal, in time that depends on their length only. */
function sameTag(expected: string | null, given: string): boolean {
  if (expected === null || expected.length !== given.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return diff === 0;
}

/**
 * The MAC for the current secret, rebuilt only when the secret changes: `label` + the secret is
 * the key, so different labels give unrelated keys and a tag made for one purpose never passes
 * for another. Null while no secret is set.
 */
function keyedBy<M>(
  secret: () => string | undefined,
  label: string,
  build: (key: Uint8Array) => M,
): () => M | null {
  let mac: M | undefined;
  let macFor: string | undefined;
  return () => {
    const value = secret();
    if (!value) return null;
    if (mac === undefined || macFor !== value) {
      mac = build(encoder.encode(`next-authz-kit ${label}\0${value}`));
      macFor = value;
    }
    return mac;
  };
}

/** Tags text and tells valid tags; every tag is null / no tag valid while no secret is set. */
export interface HmacTagger {
  tag(text: string): string | null;
  isValidTag(text: string, tag: string): boolean;
}

/**
 * A tagger on the kit's synchronous HMAC (../crypto/sha256.ts), for short texts tagged on every
 * request (a request id): for a 36-byte message Web Crypto's job hop costs more than the hashing,
 * and a synchronous tag adds no promise to the request.
 *
 * @example
 * const tagger = hmacTagger(() => process.env.AUTH_SECRET, "request id");
 */
export function hmacTagger(secret: () => string | undefined, label: string): HmacTagger {
  const mac = keyedBy(secret, label, hmacSha256);
  const tag = (text: string): string | null => {
    const current = mac();
    return current === null ? null : tagOf(current(encoder.encode(text)));
  };
  return { tag, isValidTag: (text, given) => sameTag(tag(text), given) };
}

/** {@link HmacTagger}'s answers, through Web Crypto. */
export interface AsyncHmacTagger {
  tag(text: string): Promise<string | null>;
  isValidTag(text: string, tag: string): Promise<boolean>;
}

/**
 * The same tags as {@link hmacTagger}, computed by Web Crypto, for long texts (a collector batch
 * of tens of KB), where the native hash is many times faster than JavaScript's and one job hop
 * per text is nothing.
 *
 * @example
 * const tagger = webCryptoTagger(() => process.env.AUTH_SECRET, "decision batch");
 */
export function webCryptoTagger(secret: () => string | undefined, label: string): AsyncHmacTagger {
  const key = keyedBy(secret, label, (raw) =>
    crypto.subtle.importKey(
      "raw",
      raw as Uint8Array<ArrayBuffer>,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    ),
  );
  const tag = async (text: string): Promise<string | null> => {
    const current = key();
    if (current === null) return null;
    const mac = await crypto.subtle.sign("HMAC", await current, encoder.encode(text));
    return tagOf(new Uint8Array(mac));
  };
  return { tag, isValidTag: async (text, given) => sameTag(await tag(text), given) };
}
