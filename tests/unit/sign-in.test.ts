/**
 * The sign-in URL helpers of lib/authz/sign-in.ts: whatever the request or the caller passes, the
 * path to come back to stays on this site.
 */
import { describe, expect, it } from "vitest";
import { callbackPath, sameOriginPath, signInRedirectPath } from "@/lib/authz/sign-in";

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
