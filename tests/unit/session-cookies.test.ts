/**
 * lib/authz/session/cookies.ts: the `Cookie` header is read as Auth.js reads it (proved against the
 * cookie parser Auth.js vendors, on a generated corpus), names and values are trimmed of spaces and
 * tabs only, and chunked session cookies are joined only when whole.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCookieHeader, readChunkedCookie } from "@/lib/authz/session/cookies";

type Parse = (header: string) => Record<string, string | undefined>;
let authJsParse: Parse;

beforeAll(async () => {
  // The parser Auth.js itself reads cookies with (vendored in @auth/core), wherever npm put it.
  const fromNextAuth = createRequire(createRequire(import.meta.url).resolve("next-auth"));
  const core = path.dirname(fromNextAuth.resolve("@auth/core"));
  const vendored = pathToFileURL(path.join(core, "lib/vendored/cookie.js")).href;
  authJsParse = ((await import(vendored)) as { parse: Parse }).parse;
});

/** A deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "a",
  "b",
  "a.0",
  "a.1",
  "=",
  ";",
  " ",
  "\t",
  "%41",
  "%zz",
  "%",
  "x=y",
  "\u00a0",
  '"',
];

describe("parseCookieHeader", () => {
  it("reads every named cookie as Auth.js's own parser does (10 000 generated headers)", () => {
    const next = random(7);
    let named = 0;
    for (let i = 0; i < 10_000; i++) {
      let header = "";
      const length = 1 + Math.floor(next() * 12);
      for (let j = 0; j < length; j++) header += PIECES[Math.floor(next() * PIECES.length)];
      const expected = Object.entries(authJsParse(header)).filter(([name]) => name !== "");
      expect([...parseCookieHeader(header)], JSON.stringify(header)).toEqual(expected);
      if (expected.length > 0) named++;
    }
    // The corpus is not trivially empty: nearly half the headers name at least one cookie.
    expect(named).toBeGreaterThan(4_000);
  });

  it("trims spaces and tabs around names and values, and nothing else", () => {
    const cookies = parseCookieHeader(" \ta = 1 \t;\u00a0b=2\u00a0; c=\n3");
    expect(cookies.get("a")).toBe("1");
    expect(cookies.get("\u00a0b")).toBe("2\u00a0");
    expect(cookies.get("c")).toBe("\n3");
  });

  it("keeps the first occurrence, decodes only values with %, and leaves a bad escape as sent", () => {
    expect([...parseCookieHeader("a=1; a=2; b=x=y; c=%41; d=%zz; e")]).toEqual([
      ["a", "1"],
      ["b", "x=y"],
      ["c", "A"],
      ["d", "%zz"],
    ]);
    expect(parseCookieHeader(null).size).toBe(0);
  });
});

describe("readChunkedCookie", () => {
  const name = "authjs.session-token";
  it("joins chunks from .0 in order, and only when none is missing", () => {
    expect(readChunkedCookie(`${name}.1=def; ${name}.0=abc`, name)).toBe("abcdef");
    expect(readChunkedCookie(`${name}.0=abc; ${name}.2=ghi`, name)).toBeNull();
    expect(readChunkedCookie(`${name}.1=def`, name)).toBeNull();
    expect(readChunkedCookie(`${name}.01=x; ${name}.0=abc`, name)).toBe("abc");
  });
  it("prefers the whole cookie, and refuses anything longer than maxLength", () => {
    expect(readChunkedCookie(`${name}.0=abc; ${name}=whole`, name)).toBe("whole");
    expect(readChunkedCookie(`${name}.0=abc; ${name}.1=def`, name, 5)).toBeNull();
    expect(readChunkedCookie(`${name}=whole`, name, 4)).toBeNull();
    expect(readChunkedCookie(`other=1`, name)).toBeNull();
  });
});
