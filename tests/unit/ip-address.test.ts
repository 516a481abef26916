/**
 * lib/authz/ip.ts parser and CIDR matcher, proved against ipaddr.js as the oracle.
 *
 * ipaddr.js is more lenient than the kit on purpose in a few documented places; the oracle below
 * applies exactly those restrictions and nothing else:
 *  - IPv4 must be a strict dotted quad (ipaddr.IPv4.isValidFourPartDecimal), also as an IPv6 tail;
 *  - zone ids (`%eth0`) are refused;
 *  - `::a.b.c.d` (deprecated IPv4-compatible) is IPv6 `::xxxx:xxxx`, not IPv4-mapped as ipaddr reads it;
 *  - CIDR prefixes are decimal without leading zeros, and host bits must be zero.
 */
import ipaddr from "ipaddr.js";
import { describe, expect, test } from "vitest";
import { ipMatcher, parseIp } from "@/lib/authz/ip";
import { configError, expectConfigError } from "../support/config-error";

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

/** Set IP_TEST_SEED to fuzz with other corpora; the default keeps CI deterministic. */
const SEED = Number(process.env.IP_TEST_SEED ?? 0xc0ffee);

const STRICT_V4 = /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/;

/** Canonical text the kit must produce for `s`, or null: ipaddr.js plus the documented restrictions. */
function oracle(s: string): string | null {
  if (!s.includes(":")) {
    return ipaddr.IPv4.isValidFourPartDecimal(s) ? ipaddr.IPv4.parse(s).toString() : null;
  }
  if (s.includes("%") || !ipaddr.IPv6.isValid(s)) return null;
  if (s.includes(".")) {
    const tail = s.slice(s.lastIndexOf(":") + 1);
    if (!STRICT_V4.test(tail) || !ipaddr.IPv4.isValidFourPartDecimal(tail)) return null;
    if (/^::[\d.]+$/.test(s)) {
      // ipaddr maps ::a.b.c.d to ::ffff:a.b.c.d; RFC 4291 (and the kit) keeps it IPv4-compatible.
      const bytes = [...new Array<number>(12).fill(0), ...ipaddr.IPv4.parse(tail).toByteArray()];
      const v6 = ipaddr.fromByteArray(bytes);
      return v6 instanceof ipaddr.IPv6 && !v6.isIPv4MappedAddress() ? v6.toRFC5952String() : null;
    }
  }
  const v6 = ipaddr.IPv6.parse(s);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
}

function bytesOf(s: string): number[] {
  const ip = parseIp(s);
  if (ip === null) return [];
  if (ip.version === 4)
    return [ip.value >>> 24, (ip.value >>> 16) & 255, (ip.value >>> 8) & 255, ip.value & 255];
  return ip.words.flatMap((w) => [w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255]);
}

// ---- generators ----------------------------------------------------------------------------

function genV4(r: ReturnType<typeof rng>): string {
  const octet = () =>
    String(r.pick([0, 1, 9, 10, 99, 100, 127, 192, 254, 255, r.int(256), r.int(256)]));
  return [octet(), octet(), octet(), octet()].join(".");
}

function genGroups(r: ReturnType<typeof rng>): number[] {
  // Lots of zeros so that "::" compression has runs to find (and ties to break).
  return Array.from({ length: 8 }, () =>
    r.next() < 0.45 ? 0 : r.pick([1, 0xffff, 0xdb8, 0x2001, r.int(0x10000)]),
  );
}

function genV6(r: ReturnType<typeof rng>): string {
  let groups = genGroups(r);
  if (r.next() < 0.15) groups = [0, 0, 0, 0, 0, 0xffff, r.int(0x10000), r.int(0x10000)]; // mapped
  const fmt = (g: number) => {
    let h = g.toString(16);
    if (r.next() < 0.2) h = h.padStart(4, "0");
    if (r.next() < 0.2) h = h.toUpperCase();
    return h;
  };
  const v4tail = r.next() < 0.25;
  const last = v4tail
    ? [`${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`]
    : [];
  const hexCount = v4tail ? 6 : 8;
  const parts = groups.slice(0, hexCount).map(fmt);
  if (r.next() < 0.7) {
    // Compress a random run of zeros (any run, not only the longest: every form is valid text).
    const runs: [number, number][] = [];
    for (let i = 0; i < hexCount; i++) {
      if (groups[i] !== 0) continue;
      let j = i;
      while (j < hexCount && groups[j] === 0) j++;
      runs.push([i, j]);
      i = j;
    }
    if (runs.length > 0) {
      const [a, b] = r.pick(runs);
      const start = a + r.int(b - a);
      const end = start + 1 + r.int(b - start);
      return `${parts.slice(0, start).join(":")}::${[...parts.slice(end), ...last].join(":")}`;
    }
  }
  return [...parts, ...last].join(":");
}

// Includes control characters that equal digits or hex letters once OR-ed with 0x20 (\x10 → "0").
const NOISE = "0123456789abcdefABCDEFgx:.%/ [],-\x10\x19\x01\t@`";

function mutate(r: ReturnType<typeof rng>, s: string): string {
  const i = r.int(s.length + 1);
  switch (r.int(8)) {
    case 0:
      return s.slice(0, i) + r.pick([...NOISE]) + s.slice(i); // insert
    case 1:
      return s.slice(0, i) + s.slice(i + 1); // delete
    case 2:
      return s.slice(0, i) + r.pick([...NOISE]) + s.slice(i + 1); // replace
    case 3:
      return s.slice(0, i); // truncate
    case 4:
      return s.replace(/(^|[.:])(\d)/, "$10$2"); // leading zero
    case 5:
      return `${s}:${r.int(0x10000).toString(16)}`; // extra group
    case 6:
      return s.replace("::", ":::");
    default:
      return `${s}%eth${r.int(3)}`; // zone id
  }
}

// ---- corpus ---------------------------------------------------------------------------------

describe("parseIp against ipaddr.js", () => {
  const r = rng(SEED);
  const corpus = new Set<string>();
  for (let i = 0; i < 600; i++) corpus.add(genV4(r));
  for (let i = 0; i < 1200; i++) corpus.add(genV6(r));
  const seeds = [...corpus];
  for (let i = 0; i < 2500; i++) {
    let s = r.pick(seeds);
    const rounds = 1 + r.int(2);
    for (let k = 0; k < rounds; k++) s = mutate(r, s);
    corpus.add(s);
  }

  test("the corpus is large and mixed", () => {
    const valid = [...corpus].filter((s) => oracle(s) !== null);
    expect(corpus.size).toBeGreaterThan(3500);
    expect(valid.length).toBeGreaterThan(1500);
    expect(corpus.size - valid.length).toBeGreaterThan(1000);
  });

  test("validity and canonical text agree with the oracle on every string", () => {
    const mismatches: string[] = [];
    for (const s of corpus) {
      const got = parseIp(s)?.address ?? null;
      const want = oracle(s);
      if (got !== want) mismatches.push(`${JSON.stringify(s)}: got ${got}, want ${want}`);
    }
    expect(mismatches).toEqual([]);
  });

  test("bytes agree with ipaddr.js (mapped addresses as IPv4)", () => {
    const mismatches: string[] = [];
    for (const s of corpus) {
      if (oracle(s) === null || /^::[\d.]+$/.test(s)) continue;
      const want = ipaddr.process(s).toByteArray();
      if (bytesOf(s).join(",") !== want.join(",")) mismatches.push(s);
    }
    expect(mismatches).toEqual([]);
  });

  test("canonical text parses back to itself", () => {
    const parsed = [...corpus].map((s) => parseIp(s)).filter((ip) => ip !== null);
    // The corpus must hold plenty of valid addresses, or this checks nothing.
    expect(parsed.length).toBeGreaterThan(100);
    const unstable = parsed.filter((ip) => parseIp(ip.address)?.address !== ip.address);
    expect(unstable.map((ip) => ip.address)).toEqual([]);
  });
});

describe("parseIp edge cases", () => {
  test.each([
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["::", "::"],
    ["::1", "::1"],
    ["1::", "1::"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"], // "::" for one group is valid input; RFC 5952 output spells it
    ["::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"],
    ["2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // first of two equal runs is compressed
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["::ffff:1.2.3.4", "1.2.3.4"], // mapped → IPv4
    ["::FFFF:102:304", "1.2.3.4"],
    ["0:0:0:0:0:ffff:7f00:1", "127.0.0.1"],
    ["::1.2.3.4", "::102:304"], // IPv4-compatible stays IPv6
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"], // NAT64 is not mapped
    ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"],
    ["::ffff:0:1.2.3.4", "::ffff:0:102:304"], // SIIT translated, not mapped
  ])("%s → %s", (input, canonical) => {
    expect(parseIp(input)?.address).toBe(canonical);
  });

  test.each([
    "",
    " 1.2.3.4",
    "1.2.3.4 ",
    "1.2.3",
    "1.2.3.4.5",
    "1.2.3.",
    ".1.2.3",
    "01.2.3.4",
    "1.2.3.04",
    "00.0.0.0",
    "256.0.0.0",
    "1.2.3.256",
    "0x7f.0.0.1",
    "2130706433",
    "127.1",
    "1..2.3",
    "1.2.3.-4",
    "+1.2.3.4",
    "1.2.3.4/32",
    "1.2.3.4:80",
    "[::1]",
    "[::1]:80",
    ":::",
    "1:::2",
    "1::2::3",
    ":1::2",
    "1::2:",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8",
    "12345::",
    "g::",
    "fe80::1%eth0",
    "fe80::1%1",
    "::ffff:1.2.3",
    "::ffff:01.2.3.4",
    "::ffff:1.2.3.4:5",
    "1.2.3.4::",
    "::1.2.3.4:ffff",
    "1:2:3:4:5:6:7:1.2.3.4",
    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555",
    "::１",
    "١.٢.٣.٤",
    "unknown",
    "localhost",
    "\x10::",
    "::\x11",
    "1:\x12\x13::",
    "\x01::",
    "@::",
    "`::",
    "1.2.3.\x14",
  ])("refuses %j", (input) => {
    expect(parseIp(input)).toBeNull();
  });

  test("non-strings and absurdly long input are refused without throwing", () => {
    expect(parseIp(undefined as unknown as string)).toBeNull();
    expect(parseIp(`${"1:".repeat(10_000)}1`)).toBeNull();
  });
});

// ---- CIDR containment ----------------------------------------------------------------------

/**
 * ipaddr's match() only compares like with like. The kit's documented addition: an IPv4 address is
 * also inside an IPv6 range that contains its mapped form ::ffff:a.b.c.d (for example ::/0).
 */
function oracleMatch(address: string, range: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  if (/^::[\d.]+$/.test(address))
    throw new Error(`oracle differs from the kit on ${address}: test that by hand`);
  const parsed = ipaddr.process(address); // mapped → IPv4, like parseIp
  if (parsed.kind() === range[0].kind()) return parsed.match(range);
  return parsed.kind() === "ipv4" && (parsed as ipaddr.IPv4).toIPv4MappedAddress().match(range);
}

describe("ipMatcher against ipaddr.js match()", () => {
  const r = rng(SEED + 42);

  /** A random network in canonical form (host bits cleared by ipaddr) and addresses near it. */
  function genCase(): { cidr: string; addresses: string[] } {
    const v6 = r.next() < 0.5;
    const bits = v6
      ? r.pick([0, 1, 7, 8, 16, 31, 32, 33, 48, 63, 64, 95, 97, 112, 127, 128, r.int(129)])
      : r.pick([0, 1, 8, 12, 16, 23, 24, 31, 32, r.int(33)]);
    let base = v6 ? genV6(r) : genV4(r);
    if (v6 && oracle(base)?.includes(":") !== true) base = "2001:db8::1"; // keep IPv6 ranges out of mapped space here
    const net = v6
      ? ipaddr.IPv6.networkAddressFromCIDR(`${base}/${bits}`)
      : ipaddr.IPv4.networkAddressFromCIDR(`${base}/${bits}`);
    const netBytes = net.toByteArray();
    const addresses: string[] = [];
    for (let k = 0; k < 12; k++) {
      // Flip a few random bits: some inside the host part (still inside), some in the prefix (outside).
      const b = [...netBytes];
      const flips = 1 + r.int(3);
      for (let f = 0; f < flips; f++) {
        const bit = r.int(b.length * 8);
        b[bit >> 3]! ^= 0x80 >> (bit & 7);
      }
      const addr = ipaddr.fromByteArray(b);
      const text =
        addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()
          ? null
          : addr.toString();
      if (text !== null) addresses.push(text);
    }
    addresses.push(net.toString(), v6 ? genV6(r) : genV4(r));
    return {
      cidr: `${net instanceof ipaddr.IPv6 ? net.toRFC5952String() : net.toString()}/${bits}`,
      addresses,
    };
  }

  test("containment agrees on 400 random ranges × 14 addresses", () => {
    const mismatches: string[] = [];
    let inside = 0;
    let checks = 0;
    for (let i = 0; i < 400; i++) {
      const { cidr, addresses } = genCase();
      const matches = ipMatcher([cidr]);
      const range = ipaddr.parseCIDR(cidr);
      for (const a of addresses) {
        const parsed = ipaddr.parse(a);
        if (
          oracle(a) === null ||
          /^::[\d.]+$/.test(a) ||
          (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
        )
          continue;
        const want = oracleMatch(a, range);
        checks++;
        if (want) inside++;
        if (matches(a) !== want) mismatches.push(`${a} in ${cidr}: want ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checks).toBeGreaterThan(4000);
    expect(inside).toBeGreaterThan(1000);
    expect(checks - inside).toBeGreaterThan(1000);
  });

  test("a list matches when any entry matches (same oracle)", () => {
    for (let i = 0; i < 100; i++) {
      const cases = [genCase(), genCase(), genCase()];
      const matches = ipMatcher(cases.map((c) => c.cidr));
      const ranges = cases.map((c) => ipaddr.parseCIDR(c.cidr));
      for (const a of cases.flatMap((c) => c.addresses).filter((x) => !/^::[\d.]+$/.test(x))) {
        const want = ranges.some((rg) => oracleMatch(a, rg));
        expect(matches(a), `${a} in ${cases.map((c) => c.cidr).join(",")}`).toBe(want);
      }
    }
  });

  test("host bits: refused exactly when ipaddr's network address differs", () => {
    for (let i = 0; i < 300; i++) {
      const v6 = r.next() < 0.5;
      const addr = v6 ? "2001:db8:abcd:12:ff00:1:2:3" : genV4(r);
      const bits = r.int(v6 ? 129 : 33);
      const cidr = `${addr}/${bits}`;
      const net = v6
        ? ipaddr.IPv6.networkAddressFromCIDR(cidr)
        : ipaddr.IPv4.networkAddressFromCIDR(cidr);
      const clean = net.toString() === ipaddr.parse(addr).toString();
      if (clean) expect(() => ipMatcher([cidr])).not.toThrow();
      else
        expect(() => ipMatcher([cidr])).toThrow(
          configError(
            "invalid_cidr",
            `Invalid CIDR: "${cidr}" (host bits set; did you mean "${net instanceof ipaddr.IPv6 ? net.toRFC5952String() : net.toString()}/${bits}"?)`,
          ),
        );
    }
  });

  test("malformed CIDRs: every string ipaddr refuses is refused too", () => {
    const seeds = [
      "10.0.0.0/8",
      "192.168.1.0/24",
      "2001:db8::/32",
      "::/0",
      "0.0.0.0/0",
      "fe80::/10",
    ];
    for (let i = 0; i < 1500; i++) {
      let s = r.pick(seeds);
      for (let k = 0; k < 1 + r.int(2); k++) s = mutate(r, s);
      if (!ipaddr.isValidCIDR(s) && !ipaddr.isValid(s)) {
        expect(() => ipMatcher([s]), s).toThrow(TypeError);
        expectConfigError(() => ipMatcher([s]), "invalid_cidr");
      }
    }
  });
});

describe("ipMatcher edge cases", () => {
  test("validates every entry when called, naming the bad one", () => {
    expect(() => ipMatcher([])).toThrow(TypeError);
    expectConfigError(() => ipMatcher([]), "invalid_cidr");
    expect(() => ipMatcher(["10.0.0.0/8", "10.0.0.0/33"])).toThrow('Invalid CIDR: "10.0.0.0/33"');
    for (const bad of [
      "",
      "10.0.0.0/",
      "/8",
      "10.0.0.0/08",
      "10.0.0.0/-1",
      "10.0.0.0/8/8",
      "10/8",
      "::/129",
      "fe80::%eth0/64",
      "[::1]/128",
      "1.2.3.4:80",
      "*",
      "any",
    ]) {
      expect(() => ipMatcher([bad]), bad).toThrow(`Invalid CIDR: ${JSON.stringify(bad)}`);
    }
    expect(() => ipMatcher([42 as unknown as string])).toThrow(TypeError);
    expectConfigError(() => ipMatcher([42 as unknown as string]), "invalid_cidr");
  });

  test("a bare address is /32 or /128", () => {
    const m = ipMatcher(["203.0.113.7", "2001:db8::7"]);
    expect(m("203.0.113.7")).toBe(true);
    expect(m("203.0.113.8")).toBe(false);
    expect(m("2001:db8::7")).toBe(true);
    expect(m("2001:db8::8")).toBe(false);
    expect(m("2001:0DB8:0:0::7")).toBe(true);
  });

  test("prefix extremes", () => {
    const all4 = ipMatcher(["0.0.0.0/0"]);
    expect(all4("255.255.255.255")).toBe(true);
    expect(all4("::1")).toBe(false);
    const all6 = ipMatcher(["::/0"]);
    expect(all6("ffff::")).toBe(true);
    expect(all6("1.2.3.4")).toBe(true); // ::/0 contains ::ffff:1.2.3.4
    expect(ipMatcher(["2000::/3"])("1.2.3.4")).toBe(false);
    expect(ipMatcher(["::ffff:0:0/96"])("9.9.9.9")).toBe(true);
  });

  test("mapped addresses and mapped ranges match their IPv4 twins", () => {
    const m = ipMatcher(["10.0.0.0/8"]);
    expect(m("::ffff:10.1.2.3")).toBe(true);
    expect(m(parseIp("::ffff:a01:203"))).toBe(true);
    expect(m("::10.1.2.3")).toBe(false); // IPv4-compatible is not mapped
    const mapped = ipMatcher(["::ffff:192.168.0.0/112"]);
    expect(mapped("192.168.4.5")).toBe(true);
    expect(mapped("192.169.0.1")).toBe(false);
  });

  test("anything that does not parse never matches", () => {
    const m = ipMatcher(["0.0.0.0/0", "::/0"]);
    for (const x of [null, undefined, "", "garbage", "1.2.3.4:80", "01.2.3.4", "fe80::1%eth0"])
      expect(m(x), String(x)).toBe(false);
  });
});
