/**
 * Path rules: pattern validation at definition, the candidate forms of a request path, and the
 * variants of docs/middleware.md (each either matches the protected rule or is not the protected
 * path for Next's router either).
 */
import { describe, expect, it } from "vitest";
import { access, policies } from "@/lib/access";
import {
  compilePathPattern,
  definePathRules,
  pathForms,
  type PathRule,
} from "@/lib/authz/decide/path";
import { expectConfigError } from "../support/config-error";

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
    expectConfigError(() => compilePathPattern(pattern), "invalid_path_rule");
    expect(() => compilePathPattern(pattern)).toThrow(message);
  });

  it("rejects non-strings", () => {
    expect(() => compilePathPattern(undefined as unknown as string)).toThrow(TypeError);
    expectConfigError(
      () => compilePathPattern(undefined as unknown as string),
      "invalid_path_rule",
    );
    expect(() => compilePathPattern(42 as unknown as string)).toThrow(TypeError);
    expectConfigError(() => compilePathPattern(42 as unknown as string), "invalid_path_rule");
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
    expectConfigError(
      () => definePathRules([rule as unknown as PathRule<typeof access.declaration>]),
      "invalid_path_rule",
    );
  });
  it("throws for a non-array", () => {
    expect(() => definePathRules({} as unknown as PathRule[])).toThrow(TypeError);
    expectConfigError(() => definePathRules({} as unknown as PathRule[]), "invalid_path_rule");
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
