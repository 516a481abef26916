/**
 * Path rules: pattern validation at definition, the candidate forms of a request path, and the
 * variants of docs/middleware.md (each either matches the protected rule or is not the protected
 * path for Next's router either), and `sameOriginPath` against a corpus of hostile callback values.
 */
import { describe, expect, it } from "vitest";
import { access, policies } from "@/lib/access";
import {
  callbackPath,
  compilePathPattern,
  definePathRules,
  pathForms,
  sameOriginPath,
  type PathRule,
} from "@/lib/authz/path";

// Concatenated, not resolved: `new URL("//api/x", base)` would read "api" as a host.
const forms = (path: string) => pathForms(new URL(`http://localhost${path}`));
const matches = (pattern: string, path: string) => compilePathPattern(pattern).test(forms(path));

describe("compilePathPattern: validation at definition", () => {
  it.each([
    ["admin", "must be a string starting with /"],
    ["", "must be a string starting with /"],
    ["/admin/", "empty segment"],
    ["/api//admin", "empty segment"],
    ["/admin/../api", "dot segments"],
    ["/./admin", "dot segments"],
    ["/%61dmin", "percent-encoded"],
    ["/admin?x=1", "no query"],
    ["/admin#top", "no query"],
    ["/ad min", "no query, fragment or whitespace"],
    ["/adm*", "partial wildcard"],
    ["/admin/**/users/**", "at most one multi-segment wildcard"],
    ["/admin/[...a]/[[...b]]", "at most one multi-segment wildcard"],
    ["/(shop)/cart", "route group"],
    ["/@modal/login", "parallel route slot"],
    ["/api/[id", "malformed dynamic segment"],
    ["/api\\admin", "backslashes"],
    ["/a;b", "characters a URL path would encode"],
    ["/a<b>", "characters a URL path would encode"],
  ])("%s throws a TypeError (%s)", (pattern, message) => {
    expect(() => compilePathPattern(pattern)).toThrow(TypeError);
    expect(() => compilePathPattern(pattern)).toThrow(message);
  });

  it("rejects non-strings", () => {
    expect(() => compilePathPattern(undefined as unknown as string)).toThrow(TypeError);
    expect(() => compilePathPattern(42 as unknown as string)).toThrow(TypeError);
  });

  it.each([
    "/",
    "/admin",
    "/admin/**",
    "/api/documents/[id]",
    "/docs/[...slug]",
    "/shop/[[...slug]]",
    "/a/*/b",
    "/**",
    "/v1.2/x~y",
  ])("accepts %s", (pattern) => expect(compilePathPattern(pattern).source).toBe(pattern));
});

describe("compilePathPattern: what each wildcard matches", () => {
  it("literal patterns match exactly that path, not a prefix", () => {
    expect(matches("/admin", "/admin")).toBe(true);
    expect(matches("/admin", "/administrator")).toBe(false);
    expect(matches("/admin", "/admin/users")).toBe(false);
    expect(matches("/admin", "/")).toBe(false);
  });
  it("** matches the path itself and anything below, never a sibling with the same prefix", () => {
    for (const p of ["/admin", "/admin/users", "/admin/a/b/c"])
      expect(matches("/admin/**", p)).toBe(true);
    for (const p of ["/administrator", "/adminx/users", "/", "/api/admin"])
      expect(matches("/admin/**", p)).toBe(false);
  });
  it("* and [id] match exactly one segment", () => {
    for (const pattern of ["/api/documents/*", "/api/documents/[id]"]) {
      expect(matches(pattern, "/api/documents/doc-1")).toBe(true);
      expect(matches(pattern, "/api/documents")).toBe(false);
      expect(matches(pattern, "/api/documents/a/b")).toBe(false);
    }
  });
  it("[...slug] needs one segment or more, [[...slug]] none or more", () => {
    expect(matches("/docs/[...slug]", "/docs")).toBe(false);
    expect(matches("/docs/[...slug]", "/docs/a/b")).toBe(true);
    expect(matches("/docs/[[...slug]]", "/docs")).toBe(true);
    expect(matches("/docs/[[...slug]]", "/docs/a/b")).toBe(true);
  });
  it("a wildcard in the middle keeps the suffix fixed", () => {
    expect(matches("/a/**/edit", "/a/edit")).toBe(true);
    expect(matches("/a/**/edit", "/a/x/y/edit")).toBe(true);
    expect(matches("/a/**/edit", "/a/x/y/view")).toBe(false);
    expect(matches("/a/*/b", "/a/x/b")).toBe(true);
    expect(matches("/a/*/b", "/a/b")).toBe(false);
  });
  it("/ matches the root only; /** everything", () => {
    expect(matches("/", "/")).toBe(true);
    expect(matches("/", "/x")).toBe(false);
    expect(matches("/**", "/")).toBe(true);
    expect(matches("/**", "/x/y")).toBe(true);
  });
  it("a pattern's letter case does not matter", () => {
    expect(matches("/Admin/**", "/admin")).toBe(true);
  });
});

describe("pathForms: request path variants (docs/middleware.md, 'Path variants')", () => {
  // Each of these must be read as /api/admin/users (the protected path) by at least one form.
  it.each([
    ["/api/admin/users", "plain"],
    ["/api/admin/users/", "trailing slash (Next answers 308 before middleware)"],
    ["/api/admin//users", "repeated slash (Next answers 308)"],
    ["//api/admin/users", "leading repeated slash"],
    ["/api\\admin\\users", "backslashes (URL parsing turns them into /)"],
    ["/API/ADMIN/users", "letter case (Next routes case-sensitively: 404; refused anyway)"],
    ["/api/%61dmin/users", "percent-encoded letter"],
    ["/api/%2561dmin/users", "double percent-encoding"],
    ["/api/admin%2Fusers", "encoded slash"],
    ["/api%2Fadmin%2Fusers", "encoded slashes everywhere"],
    ["/api/me/%2e%2e/admin/users", "encoded dot segment (URL parsing resolves it)"],
    ["/api/me/%2e%2e%2fadmin/users", "encoded dot segment and slash in one segment"],
    ["/api/me/..%5cadmin/users", "encoded backslash after .."],
    ["/api/./admin/users", "dot segment"],
    ["/api/admin;x=1/users", "matrix parameter"],
    ["/api/admin/users.json", "Next's .json matcher suffix"],
    ["/api/admin/users.rsc", "RSC suffix"],
    ["/api/admin/users.prefetch.rsc", "prefetch RSC suffix"],
    ["/api/admin/users.segments/_tree.segment.rsc", "segment prefetch"],
    ["/_next/data/BUILD/api/admin/users.json", "Pages Router data route"],
    ["/_next/data/any-build/api/admin/users.json", "data route with another build id"],
    ["/api/admin/users?_rsc=abc", "RSC query"],
  ])("%s (%s)", (path) => {
    expect(matches("/api/admin/users", path)).toBe(true);
    expect(matches("/api/admin/**", path)).toBe(true);
  });

  it("keeps an encoded slash inside one segment in the router's form (as a dynamic param sees it)", () => {
    const [routed, aggressive] = forms("/api/documents/a%2Fb");
    expect(routed).toEqual(["api", "documents", "a/b"]);
    expect(aggressive).toEqual(["api", "documents", "a", "b"]);
    // Either reading is enough: a one-segment rule still applies.
    expect(matches("/api/documents/*", "/api/documents/a%2Fb")).toBe(true);
  });

  it("resolves .. only inside the path: it cannot climb above the root", () => {
    expect(forms("/%2e%2e/%2e%2e/admin")).toContainEqual(["admin"]);
    expect(matches("/admin/**", "/x/..%2f..%2f..%2fadmin")).toBe(true);
  });

  it("reads index data and RSC routes as the root page", () => {
    expect(matches("/", "/_next/data/b/index.json")).toBe(true);
    expect(matches("/", "/index.rsc")).toBe(true);
  });

  it("leaves non-ASCII escapes encoded and never throws on malformed ones", () => {
    expect(() => forms("/api/%E0%A4%A/%zz/%")).not.toThrow();
    expect(matches("/api/**", "/api/%E0%A4%A")).toBe(true);
    expect(matches("/api/*", "/api/caf%C3%A9")).toBe(true);
  });

  it("does not match other paths", () => {
    for (const path of [
      "/api/administrator/users",
      "/api/admin-users",
      "/api/me",
      "/api/adm%69n2/users",
      "/admin/users",
    ]) {
      expect(matches("/api/admin/**", path)).toBe(false);
    }
  });

  it("gives one form when both readings agree", () => {
    expect(forms("/api/admin/users")).toEqual([["api", "admin", "users"]]);
  });
});

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

describe("definePathRules: validation at definition", () => {
  const good: PathRule<typeof access.declaration> = {
    path: "/admin/**",
    policy: policies.admin,
    kind: "page",
  };
  it("compiles good rules and freezes the list", () => {
    const rules = definePathRules([good]);
    expect(Object.isFrozen(rules)).toBe(true);
    expect(rules[0]!.applies("GET", forms("/admin"))).toBe(true);
  });
  it.each([
    ["Invalid path pattern", { ...good, path: "admin" }],
    ["policy must be a policy made by access.policy()", { ...good, policy: { name: "fake" } }],
    ['kind must be "api" or "page"', { ...good, kind: "html" }],
    ["methods must be a non-empty list", { ...good, methods: [] }],
    ['unknown method "get"', { ...good, methods: ["get"] }],
    ['unknown method "TRACE"', { ...good, methods: ["TRACE"] }],
  ])("throws a TypeError: %s", (message, rule) => {
    expect(() => definePathRules([rule as unknown as PathRule<typeof access.declaration>])).toThrow(
      TypeError,
    );
    expect(() => definePathRules([rule as unknown as PathRule<typeof access.declaration>])).toThrow(
      message,
    );
  });
  it("throws for a non-array", () => {
    expect(() => definePathRules({} as unknown as PathRule[])).toThrow(TypeError);
  });

  it("covers every method without methods; GET covers HEAD; methods compare upper-case", () => {
    const [all] = definePathRules([good]);
    for (const m of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"])
      expect(all!.applies(m, forms("/admin"))).toBe(true);
    const [getOnly] = definePathRules([{ ...good, methods: ["GET"] }]);
    expect(getOnly!.applies("HEAD", forms("/admin"))).toBe(true);
    expect(getOnly!.applies("get", forms("/admin"))).toBe(true);
    expect(getOnly!.applies("DELETE", forms("/admin"))).toBe(false);
    expect(getOnly!.applies("OPTIONS", forms("/admin"))).toBe(false);
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
