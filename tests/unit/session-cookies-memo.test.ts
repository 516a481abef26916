/**
 * cookiesOf (lib/authz/session/cookies.ts): a request's sources read one header one after another,
 * so it is split once; the answer is always that header's cookies, never the previous header's.
 */
import { describe, expect, it } from "vitest";
import { cookiesOf, parseCookieHeader } from "@/lib/authz/session/cookies";

describe("cookiesOf", () => {
  it("answers the same map for the same header, and each header's own cookies", () => {
    const a = "x=1; y=2";
    expect(cookiesOf(a)).toBe(cookiesOf(`x=1; ${"y=2"}`));
    expect([...cookiesOf(a)]).toEqual([...parseCookieHeader(a)]);
    const b = "x=3";
    expect(cookiesOf(b).get("x")).toBe("3");
    expect(cookiesOf(b).has("y")).toBe(false);
    expect(cookiesOf(a).get("x")).toBe("1");
    expect(cookiesOf("").size).toBe(0);
  });
});
