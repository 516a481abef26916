/**
 * The sign-in URL helpers of lib/authz/http/sign-in.ts: whatever the request or the caller passes, the
 * path to come back to stays on this site, for a corpus of hostile callback values too (schemes,
 * `//`, `/\`, encoded slashes, control characters, Unicode look-alikes, and generated ones).
 */
import { describe, expect, it } from "vitest";
import { callbackPath, sameOriginPath, signInRedirectPath } from "@/lib/authz/http/sign-in";

describe("callbackPath: same-origin path and query", () => {
  it.each([
    ["http://x/admin", "/admin"],
    ["http://x/admin?tab=users", "/admin?tab=users"],
    ["http://x/admin?tab=users&_rsc=abc", "/admin?tab=users"],
    ["http://x/admin?_rsc=abc", "/admin"],
    ["http://x//evil.example/a", "/evil.example/a"],
    ["http://x/\\evil.example/a", "/evil.example/a"],
    ["http://x/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ])("%s -> %s", (url, expected) => {
    const path = callbackPath(new URL(url));
    expect(path).toBe(expected);
    // Whatever comes in, the result resolves on the same origin.
    expect(new URL(path, "https://app.example").origin).toBe("https://app.example");
  });
});

describe("sameOriginPath: anything that could name another host becomes /", () => {
  it.each([
    ["/admin?tab=users", "/admin?tab=users"],
    ["//evil.example/x", "/"],
    ["/\\evil.example/x", "/"],
    ["https://evil.example/x", "/"],
    ["admin", "/"],
    ["", "/"],
    [null, "/"],
    [undefined, "/"],
    ["/a\u0000//evil.example", "/"],
    ["/a\tb", "/"],
  ])("%j -> %s", (candidate, expected) => {
    expect(sameOriginPath(candidate)).toBe(expected);
  });
});

describe("signInRedirectPath: one URL for middleware and pages", () => {
  it("encodes the same-origin callback under Auth.js's parameter by default", () => {
    expect(signInRedirectPath("/signin", "/admin?tab=users")).toBe(
      "/signin?callbackUrl=%2Fadmin%3Ftab%3Dusers",
    );
  });
  it("takes another parameter name, and never a foreign callback", () => {
    expect(signInRedirectPath("/login", "//evil.example", "next")).toBe("/login?next=%2F");
  });
});

describe("sameOriginPath: hostile callback values", () => {
  // Where a browser would go: the value resolved as a Location against this site. Tabs and newlines
  // are dropped, backslashes read as slashes, `.`/`..` resolved, exactly as fetch and browsers do.
  const SITE = "https://app.example";
  const landing = (value: string) => new URL(value, `${SITE}/signin`);

  const HOSTILE: readonly [string, string][] = [
    ["absolute URL", "https://evil.example/x"],
    ["scheme without slashes", "https:evil.example"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["protocol-relative", "//evil.example/x"],
    ["three slashes", "///evil.example"],
    ["slash backslash", "/\\evil.example"],
    ["slash backslash slash", "/\\/evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["backslash slash", "\\/evil.example"],
    ["tab between slashes", "/\t/evil.example"],
    ["newline between slashes", "/\n/evil.example"],
    ["carriage return between slashes", "/\r/evil.example"],
    ["NUL between slashes", "/\u0000/evil.example"],
    ["DEL", "/\u007f/evil.example"],
    ["leading space", " //evil.example"],
    ["leading tab", "\t//evil.example"],
    ["encoded slashes only", "%2F%2Fevil.example"],
    ["encoded backslash", "%5C%5Cevil.example"],
    ["double-encoded", "%252F%252Fevil.example"],
    ["fullwidth solidus", "\uff0f\uff0fevil.example"],
    ["division slash", "\u2215\u2215evil.example"],
    ["empty", ""],
    ["relative path", "dashboard"],
    ["userinfo trick", "@evil.example"],
  ];

  it.each(HOSTILE)("%s is replaced by /", (_label, value) => {
    expect(sameOriginPath(value)).toBe("/");
  });

  const KEPT: readonly [string, string][] = [
    ["a plain path", "/dashboard"],
    ["a path and query", "/admin?tab=users&x=%2F%2Fevil"],
    ["an encoded slash inside the path", "/%2F/evil.example"],
    ["an encoded backslash inside the path", "/%5C/evil.example"],
    ["a fullwidth solidus inside the path", "/\uff0f/evil.example"],
    ["a division slash inside the path", "/\u2215/evil.example"],
    ["a look-alike host as a segment", "/evil\u3002example"],
    ["a fragment", "/dashboard#//evil.example"],
  ];

  it.each(KEPT)("%s stays as it is, and on this site", (_label, value) => {
    expect(sameOriginPath(value)).toBe(value);
    expect(landing(value).origin).toBe(SITE);
  });

  it.each([null, undefined])("%s is /", (value) => {
    expect(sameOriginPath(value)).toBe("/");
  });

  it("never leaves the site, for 20,000 values built from the characters that matter", () => {
    const alphabet = [
      "/",
      "\\",
      ":",
      "%",
      "2",
      "F",
      "5",
      "C",
      "e",
      ".",
      "@",
      "?",
      "#",
      " ",
      "\t",
      "\n",
      "\r",
      "\u0000",
      "\u007f",
      "\uff0f",
      "\uff3c",
      "\u2215",
      "h",
      "t",
      "p",
      "s",
      "x",
    ];
    let seed = 0x9e3779b9;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const escaped: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      let value = next() < 0.7 ? "/" : "";
      const length = 1 + Math.floor(next() * 10);
      for (let j = 0; j < length; j++) value += alphabet[Math.floor(next() * alphabet.length)];
      const result = sameOriginPath(value);
      const url = landing(result);
      if (url.origin !== SITE || !result.startsWith("/")) escaped.push(JSON.stringify(value));
    }
    expect(escaped).toEqual([]);
  });
});
