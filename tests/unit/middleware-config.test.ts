/**
 * middleware.ts's `config.matcher` and `pathRules` must stay in step: a rule outside the matcher
 * never runs (dead protection that looks alive), and a matched path no rule covers pays the
 * middleware's throughput floor for nothing. The matcher is compiled with Next's own code, the way
 * `next build` compiles it (with the `/_next/data` and `.rsc` forms Next adds).
 */
import { describe, expect, it } from "vitest";
import * as staticInfo from "next/dist/build/analysis/get-page-static-info";
import { getMiddlewareRouteMatcher } from "next/dist/shared/lib/router/utils/middleware-route-matcher";
import type { NextConfig } from "next";
import { pathRules } from "@/lib/access";
import { pathForms } from "@/lib/authz/decide/path";
import * as root from "@/middleware";

type Matchers = Parameters<typeof getMiddlewareRouteMatcher>[0];
// Exported at runtime but not in Next's type declarations: what `next build` compiles matchers with.
const { getMiddlewareMatchers } = staticInfo as unknown as {
  getMiddlewareMatchers: (matcher: string[], config: NextConfig) => Matchers;
};

const nextMatches = (() => {
  const matchers = getMiddlewareMatchers(root.config.matcher, {} as NextConfig);
  const match = getMiddlewareRouteMatcher(matchers);
  const request = { headers: {} } as Parameters<typeof match>[1];
  // As Next's router does: the raw pathname, or failing that the decoded one.
  return (pathname: string) => {
    let decoded = pathname;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      // undecodable: the raw form only
    }
    return match(pathname, request, {}) || match(decoded, request, {});
  };
})();

/** Concrete paths a rule pattern covers: wildcards filled with none, one and two segments. */
function samples(pattern: string): string[] {
  const fill = (many: string, one: string) =>
    pattern
      .split("/")
      .map((part) =>
        part === "**" || /^\[\[\.\.\./.test(part)
          ? many
          : /^\[\.\.\./.test(part)
            ? many || "a"
            : part === "*" || /^\[/.test(part)
              ? one
              : part,
      )
      .filter((part, i) => i === 0 || part !== "")
      .join("/") || "/";
  return [...new Set([fill("", "x"), fill("a", "x"), fill("a/b", "doc-1")])];
}

describe("config.matcher and pathRules", () => {
  it("the matcher is a static list of path patterns (what next build can read)", () => {
    expect(Array.isArray(root.config.matcher)).toBe(true);
    for (const source of root.config.matcher) expect(source).toMatch(/^\/[\w\-/:*]+$/);
  });

  it.each(pathRules.map((r) => [r.path, r] as const))(
    "rule %s runs: every path it covers is matched",
    (_, rule) => {
      for (const path of samples(rule.path)) expect(nextMatches(path), path).toBe(true);
    },
  );

  it.each(root.config.matcher.map((m) => [m]))(
    "matcher %s has a rule for every path it matches",
    (source) => {
      const base = source.replace(/\/:path\*$/, "");
      for (const path of [base, `${base}/x`, `${base}/x/y`]) {
        expect(nextMatches(path), path).toBe(true);
        expect(
          pathRules.some((r) => r.applies("GET", pathForms(new URL(`http://localhost${path}`)))),
          path,
        ).toBe(true);
      }
    },
  );

  it("Next also routes the transport forms of matched pages through the middleware", () => {
    for (const path of [
      "/_next/data/build/admin.json",
      "/admin.rsc",
      "/admin.segments/_tree.segment.rsc",
      "/dashboard.rsc",
      "/api/admin/%75sers",
    ]) {
      expect(nextMatches(path), path).toBe(true);
    }
  });

  it("does not match paths outside the guarded areas (they do not pay the middleware floor)", () => {
    for (const path of [
      "/",
      "/api/me",
      "/api/documents/doc-acme-1",
      "/api/reports/export",
      "/api/auth/csrf",
      "/signin",
      "/403",
      "/administrator",
      "/_next/static/x.js",
    ]) {
      expect(nextMatches(path), path).toBe(false);
    }
  });
});
