/**
 * Every attribute of a refreshed cookie survives the trip through Next's cookie store in a server
 * action: a cookie that lost `Secure`, `SameSite`, its domain or its lifetime on the way would be
 * weaker than the one the sign-in library wrote. Each case was a mutant of
 * lib/authz/http/set-cookie.ts that no other test noticed (npm run mutation).
 */
import { describe, expect, it } from "vitest";
import { parseSetCookie } from "@/lib/authz/http/set-cookie";

describe("parseSetCookie", () => {
  it("keeps every attribute the line sets, names in any case, spaces trimmed", () => {
    const line =
      " __Secure-s = a%2Bb ; Path=/app; DOMAIN = example.com ; Max-Age=3600; " +
      "Expires=Wed, 09 Dec 2026 10:00:00 GMT; HttpOnly; SECURE; Partitioned; SameSite= Strict";
    expect(parseSetCookie(line)).toEqual({
      name: "__Secure-s",
      value: "a+b",
      path: "/app",
      domain: "example.com",
      maxAge: 3600,
      expires: new Date("Wed, 09 Dec 2026 10:00:00 GMT"),
      httpOnly: true,
      secure: true,
      partitioned: true,
      sameSite: "strict",
    });
  });

  it("reads each SameSite value, and ignores one it does not know", () => {
    for (const value of ["Lax", "strict", "NONE"])
      expect(parseSetCookie(`a=b; SameSite=${value}`)?.sameSite).toBe(value.toLowerCase());
    expect(parseSetCookie("a=b; SameSite=sometimes")).toEqual({ name: "a", value: "b" });
  });

  it("a negative Max-Age deletes (0); a malformed one or a bad date is ignored", () => {
    expect(parseSetCookie("a=; Max-Age=-5")).toEqual({ name: "a", value: "", maxAge: 0 });
    expect(parseSetCookie("a=b; Max-Age=12x")).toEqual({ name: "a", value: "b" });
    expect(parseSetCookie("a=b; Max-Age=x12")).toEqual({ name: "a", value: "b" });
    expect(parseSetCookie("a=b; Expires=tomorrow")).toEqual({ name: "a", value: "b" });
    expect(parseSetCookie("a=b; Domain=; Path=")).toEqual({ name: "a", value: "b" });
  });

  it("an attribute's value may hold '=', and a flag with a value is still the flag", () => {
    expect(parseSetCookie("a=b=c; Path=/x=y; Secure=1")).toEqual({
      name: "a",
      value: "b=c",
      path: "/x=y",
      secure: true,
    });
  });

  it("no name, no cookie", () => {
    for (const line of ["=b", " =b", "b", "", "a=%E0%A4%A"])
      expect(parseSetCookie(line)).toBeNull();
  });
});
