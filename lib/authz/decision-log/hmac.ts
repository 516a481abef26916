/** HMAC-SHA256 tags over text, from a secret read per use (so it may rotate). Edge-safe. */
import { hmacSha256 } from "../crypto/sha256";

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Tags text and tells valid tags; every tag is null / no tag valid while no secret is set. */
export interface HmacTagger {
  tag(text: string): Promise<string | null>;
  isValidTag(text: string, tag: string): Promise<boolean>;
}

/**
 * Builds a tagger whose key is `label` + the secret, set up once per secret value. Different
 * labels give unrelated keys, so a tag made for one purpose never passes for another. The HMAC is
 * the kit's synchronous one (../crypto/sha256.ts): a tag is made or checked on every logged
 * request, and Web Crypto's job hop cost more than the hashing.
 *
 * @example
 * const tagger = hmacTagger(() => process.env.AUTH_SECRET, "request id");
 */
export function hmacTagger(secret: () => string | undefined, label: string): HmacTagger {
  let mac: ((message: Uint8Array) => Uint8Array) | undefined;
  let macFor: string | undefined;
  const tag = async (text: string): Promise<string | null> => {
    const value = secret();
    if (!value) return null;
    if (mac === undefined || macFor !== value) {
      mac = hmacSha256(encoder.encode(`next-authz-kit ${label}\0${value}`));
      macFor = value;
    }
    return base64url(mac(encoder.encode(text)).subarray(0, 16));
  };
  return {
    tag,
    async isValidTag(text, given) {
      const expected = await tag(text);
      if (expected === null || expected.length !== given.length) return false;
      let diff = 0;
      for (let i = 0; i < expected.length; i++)
        diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
      return diff === 0;
    },
  };
}
