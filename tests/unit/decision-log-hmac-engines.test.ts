import { describe, expect, it } from "vitest";
import { hmacTagger, webCryptoTagger } from "@/lib/authz/decision-log/hmac";

// A collector batch is tagged with Web Crypto and a request id with the kit's inline HMAC: the
// engine is a matter of speed, so the two must be interchangeable byte for byte.
const ENGINES = {
  inline: (secret: () => string | undefined, label: string) => {
    const tagger = hmacTagger(secret, label);
    return {
      tag: async (text: string) => tagger.tag(text),
      isValidTag: async (text: string, tag: string) => tagger.isValidTag(text, tag),
    };
  },
  "web-crypto": webCryptoTagger,
};
// Around SHA-256's block and padding edges, and a batch-sized text.
const LENGTHS = [0, 1, 36, 55, 56, 63, 64, 65, 119, 120, 1000, 40_000];
const textOf = (length: number) =>
  Array.from({ length }, (_, i) => String.fromCharCode(32 + ((i * 7) % 95))).join("");

describe("request-id and batch taggers", () => {
  it.each(LENGTHS)("inline and Web Crypto tag a %i-character text alike", async (length) => {
    const text = textOf(length);
    const inline = hmacTagger(() => "s3cret", "batch");
    const web = webCryptoTagger(() => "s3cret", "batch");
    const tag = inline.tag(text);
    expect(tag).toMatch(/^[\w-]{22}$/);
    expect(await web.tag(text)).toBe(tag);
    expect(await web.isValidTag(text, tag!)).toBe(true);
    expect(inline.isValidTag(text, (await web.tag(text))!)).toBe(true);
  });

  it.each(Object.keys(ENGINES) as (keyof typeof ENGINES)[])(
    "%s: a tag is bound to its label, its secret and its text",
    async (engine) => {
      let secret = "first";
      const tagger = ENGINES[engine](() => secret, "batch");
      const tag = (await tagger.tag("body"))!;
      const otherLabel = ENGINES[engine](() => "first", "request id");
      expect(await otherLabel.isValidTag("body", tag)).toBe(false);
      expect(await tagger.isValidTag("body.", tag)).toBe(false);
      expect(await tagger.isValidTag("body", tag.slice(0, -1))).toBe(false);
      secret = "rotated";
      expect(await tagger.isValidTag("body", tag)).toBe(false);
      expect(await tagger.tag("body")).not.toBe(tag);
      secret = "first";
      expect(await tagger.tag("body")).toBe(tag);
    },
  );

  it.each(Object.keys(ENGINES) as (keyof typeof ENGINES)[])(
    "%s: no secret, no tag, and nothing is valid",
    async (engine) => {
      const tagger = ENGINES[engine](() => undefined, "batch");
      expect(await tagger.tag("body")).toBeNull();
      expect(await tagger.isValidTag("body", "")).toBe(false);
    },
  );
});
