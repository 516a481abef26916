/**
 * The edges of CIDR lists and address text that decide who is inside an allowlist or a trusted
 * proxy range: IPv6 ranges that must not reach IPv4, mapped ranges, the longest address text, and
 * over-long entries. Each case was a mutant of lib/authz/ip/ that no other test noticed.
 */
import { describe, expect, it } from "vitest";
import { ipMatcher, parseIp } from "@/lib/authz/ip";
import { MAX_IP_TEXT } from "@/lib/authz/ip/address";
import { expectConfigError } from "../support/config-error";

// The longest text an address can have: 45 characters.
const LONGEST = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";

describe("CIDR ranges and IPv4", () => {
  it("an IPv6 range outside ::ffff:0:0/96 matches no IPv4 address", () => {
    const ranges = ipMatcher(["2001:db8::/32"]);
    expect(ranges("2001:db8:1::5")).toBe(true);
    expect(ranges("203.0.113.9")).toBe(false);
    expect(ranges("::ffff:203.0.113.9")).toBe(false);
  });

  it("::/0 holds every address, IPv4 included", () => {
    expect(ipMatcher(["::/0"])("203.0.113.9")).toBe(true);
  });

  it("a range inside ::ffff:0:0/96 is the IPv4 range it maps", () => {
    const mapped = ipMatcher(["::ffff:10.0.0.0/104"]);
    expect(mapped("10.1.2.3")).toBe(true);
    expect(mapped("::ffff:10.255.0.1")).toBe(true);
    expect(mapped("11.0.0.1")).toBe(false);
    expect(mapped("9.255.255.255")).toBe(false);
  });
});

describe("address text length", () => {
  it("the longest address text parses and makes a range", () => {
    expect(LONGEST).toHaveLength(MAX_IP_TEXT);
    expect(parseIp(LONGEST)?.version).toBe(6);
    expect(ipMatcher([LONGEST])(LONGEST)).toBe(true);
    expect(ipMatcher([`${LONGEST}/128`])(LONGEST)).toBe(true);
  });

  it("an entry longer than any address is malformed, whatever its characters", () => {
    expectConfigError(() => ipMatcher(["1".repeat(MAX_IP_TEXT + 1)]), "invalid_cidr");
    expectConfigError(() => ipMatcher([`${"1".repeat(MAX_IP_TEXT + 1)}/32`]), "invalid_cidr");
    expect(parseIp("1".repeat(MAX_IP_TEXT + 1))).toBeNull();
  });

  it("an IPv4 entry that does not parse is malformed, not a range with host bits", () => {
    for (const entry of ["10.0.0.256/8", "10.0.0/8", "10.0.0.0.0/8"]) {
      expect(() => ipMatcher([entry])).toThrow(/CIDR/);
      expect(() => ipMatcher([entry])).not.toThrow(/host bits/);
    }
  });
});
