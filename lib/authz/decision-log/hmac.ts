/** HMAC-SHA256 tags over text, from a secret read per use (so it may rotate). Edge-safe. */
const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer): string {
  let text = "";
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Tags text and tells valid tags; every tag is null / no tag valid while no secret is set. */
export interface HmacTagger {
  tag(text: string): Promise<string | null>;
  isValidTag(text: string, tag: string): Promise<boolean>;
}

/**
 * Builds a tagger whose key is `label` + the secret, imported once per secret value. Different
 * labels give unrelated keys, so a tag made for one purpose never passes for another.
 *
 * @example
 * const tagger = hmacTagger(() => process.env.AUTH_SECRET, "request id");
 */
export function hmacTagger(secret: () => string | undefined, label: string): HmacTagger {
  let key: Promise<CryptoKey> | undefined;
  let keyFor: string | undefined;
  const keyOf = (value: string) => {
    if (key === undefined || keyFor !== value) {
      keyFor = value;
      key = crypto.subtle.importKey(
        "raw",
        encoder.encode(`next-authz-kit ${label}\0${value}`),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"],
      );
    }
    return key;
  };
  const tag = async (text: string): Promise<string | null> => {
    const value = secret();
    if (!value) return null;
    const mac = await crypto.subtle.sign("HMAC", await keyOf(value), encoder.encode(text));
    return base64url(mac.slice(0, 16));
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
