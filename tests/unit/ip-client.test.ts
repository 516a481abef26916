/**
 * clientIpFrom / proxyTrustFromEnv: every trust model with real Request objects, and the spoofing
 * cases that matter (a client writing its own X-Forwarded-For in front of honest proxies).
 */
import { describe, expect, test } from "vitest";
import { clientIpFrom, ipMatcher, proxyTrustFromEnv, type ProxyTrust } from "@/lib/authz/ip";
import { expectConfigError } from "../support/config-error";

/** A request whose headers are given as [name, value] pairs, so a header may repeat (several lines). */
function req(...headers: [string, string][]): Request {
  const h = new Headers();
  for (const [name, value] of headers) h.append(name, value);
  return new Request("https://app.test/api/ops/metrics", { headers: h });
}
const xff = (value: string): [string, string] => ["x-forwarded-for", value];

describe("none", () => {
  const ip = clientIpFrom({ kind: "none" });
  test("forwarded headers are the client's own claim: always unknown", () => {
    expect(ip(req())).toBeNull();
    expect(ip(req(xff("10.0.0.1")))).toBeNull();
    expect(ip(req(["x-real-ip", "10.0.0.1"], ["x-vercel-forwarded-for", "10.0.0.1"]))).toBeNull();
  });
});

describe("vercel", () => {
  const ip = clientIpFrom({ kind: "vercel" });
  test("x-vercel-forwarded-for first", () => {
    expect(ip(req(["x-vercel-forwarded-for", "203.0.113.9"], xff("198.51.100.1")))).toBe(
      "203.0.113.9",
    );
  });
  test("else the leftmost x-forwarded-for entry (Vercel overwrites the header)", () => {
    expect(ip(req(xff("203.0.113.9")))).toBe("203.0.113.9");
    expect(ip(req(xff("203.0.113.9, 10.0.0.1")))).toBe("203.0.113.9");
  });
  test("x-real-ip is not read", () => {
    expect(ip(req(["x-real-ip", "203.0.113.9"]))).toBeNull();
  });
  test("a malformed x-vercel-forwarded-for does not fall back to another header", () => {
    expect(ip(req(["x-vercel-forwarded-for", "nope"], xff("203.0.113.9")))).toBeNull();
  });
  test("IPv6 and mapped addresses come back canonical", () => {
    expect(ip(req(["x-vercel-forwarded-for", "2001:DB8:0:0::1"]))).toBe("2001:db8::1");
    expect(ip(req(["x-vercel-forwarded-for", "::ffff:203.0.113.9"]))).toBe("203.0.113.9");
  });
  test("nothing set → null", () => {
    expect(ip(req())).toBeNull();
    expect(ip(req(xff(" , ")))).toBeNull();
  });
});

describe("hops", () => {
  test("the Nth entry from the right", () => {
    expect(clientIpFrom({ kind: "hops", hops: 1 })(req(xff("203.0.113.9")))).toBe("203.0.113.9");
    expect(clientIpFrom({ kind: "hops", hops: 2 })(req(xff("203.0.113.9, 10.0.0.2")))).toBe(
      "203.0.113.9",
    );
  });

  test("a client-sent X-Forwarded-For cannot move the answer (spoofed leftmost entries)", () => {
    const ip = clientIpFrom({ kind: "hops", hops: 1 });
    // The client sent "1.1.1.1, 10.0.0.5"; the one proxy appended the real peer.
    expect(ip(req(xff("1.1.1.1, 10.0.0.5, 203.0.113.9")))).toBe("203.0.113.9");
    const two = clientIpFrom({ kind: "hops", hops: 2 });
    expect(two(req(xff("1.1.1.1, 10.0.0.5, 203.0.113.9, 10.0.0.2")))).toBe("203.0.113.9");
  });

  test("several header lines are one list, in order", () => {
    const ip = clientIpFrom({ kind: "hops", hops: 2 });
    // Client sent two lines; proxies appended a third line each (some proxies add lines, not entries).
    expect(
      ip(req(xff("6.6.6.6"), xff("7.7.7.7, 8.8.8.8"), xff("203.0.113.9"), xff("10.0.0.2"))),
    ).toBe("203.0.113.9");
  });

  test("fewer entries than hops → null (the request did not come through all proxies)", () => {
    expect(clientIpFrom({ kind: "hops", hops: 2 })(req(xff("203.0.113.9")))).toBeNull();
    expect(clientIpFrom({ kind: "hops", hops: 1 })(req())).toBeNull();
  });

  test("garbage where the client should be → null; garbage further left is never read", () => {
    const ip = clientIpFrom({ kind: "hops", hops: 1 });
    expect(ip(req(xff("203.0.113.9, unknown")))).toBeNull();
    expect(ip(req(xff("203.0.113.9, 010.0.0.1")))).toBeNull();
    expect(ip(req(xff("<script>, ;;;, 203.0.113.9")))).toBe("203.0.113.9");
  });

  test("empty list elements are ignored (RFC 9110 §5.6.1)", () => {
    expect(clientIpFrom({ kind: "hops", hops: 2 })(req(xff("203.0.113.9,, 10.0.0.2,")))).toBe(
      "203.0.113.9",
    );
  });

  test("ports and brackets written by proxies are accepted and dropped", () => {
    const ip = clientIpFrom({ kind: "hops", hops: 1 });
    expect(ip(req(xff("203.0.113.9:51234")))).toBe("203.0.113.9");
    expect(ip(req(xff("[2001:db8::9]:443")))).toBe("2001:db8::9");
    expect(ip(req(xff("[2001:db8::9]")))).toBe("2001:db8::9");
    expect(ip(req(xff("2001:db8::9")))).toBe("2001:db8::9");
    expect(ip(req(xff("::ffff:203.0.113.9")))).toBe("203.0.113.9");
    expect(ip(req(xff("[::ffff:203.0.113.9]:80")))).toBe("203.0.113.9");
    for (const bad of [
      "203.0.113.9:0",
      "203.0.113.9:65536",
      "203.0.113.9:08",
      "[203.0.113.9]",
      "[2001:db8::9",
      "[2001:db8::9]x",
      "fe80::1%eth0",
      '"203.0.113.9"',
    ]) {
      expect(ip(req(xff(bad))), bad).toBeNull();
    }
  });

  test("invalid hops throw at creation", () => {
    for (const hops of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => clientIpFrom({ kind: "hops", hops }), String(hops)).toThrow(TypeError);
      expectConfigError(() => clientIpFrom({ kind: "hops", hops }), "invalid_proxy_trust");
    }
  });
});

describe("cidrs", () => {
  const ip = clientIpFrom({ kind: "cidrs", proxies: ["10.0.0.0/8", "2001:db8:ffff::/48"] });

  test("the first entry from the right outside the proxy ranges", () => {
    expect(ip(req(xff("203.0.113.9")))).toBe("203.0.113.9");
    expect(ip(req(xff("203.0.113.9, 10.0.0.1")))).toBe("203.0.113.9");
    expect(ip(req(xff("203.0.113.9, 10.0.0.1, 2001:db8:ffff::2")))).toBe("203.0.113.9");
  });

  test("spoofing: a client claiming to be a proxy, or claiming another client, changes nothing", () => {
    // The client sent "10.0.0.7" (a proxy address) and "198.51.100.1"; the proxy appended its real peer.
    expect(ip(req(xff("198.51.100.1, 10.0.0.7, 203.0.113.9, 10.0.0.1")))).toBe("203.0.113.9");
    expect(ip(req(xff("10.0.0.7"), xff("203.0.113.9, 10.0.0.1")))).toBe("203.0.113.9");
  });

  test("all entries trusted → null (a proxy's own address is never taken for the client)", () => {
    expect(ip(req(xff("10.0.0.5, 10.0.0.1")))).toBeNull();
    expect(ip(req())).toBeNull();
  });

  test("an unparsable entry reached while walking → null", () => {
    expect(ip(req(xff("203.0.113.9, garbage, 10.0.0.1")))).toBeNull();
    expect(ip(req(xff("garbage, 203.0.113.9, 10.0.0.1")))).toBe("203.0.113.9");
  });

  test("mapped and IPv6 proxies are recognised", () => {
    expect(ip(req(xff("2001:db8:1::9, ::ffff:10.1.1.1")))).toBe("2001:db8:1::9");
    expect(ip(req(xff("::ffff:198.51.100.4, [2001:db8:ffff::1]:8080")))).toBe("198.51.100.4");
  });

  test("the result feeds an allow list: a spoofed ops address is refused", () => {
    const ops = ipMatcher(["192.0.2.0/24"]);
    expect(ops(ip(req(xff("192.0.2.10, 203.0.113.9, 10.0.0.1"))))).toBe(false);
    expect(ops(ip(req(xff("192.0.2.10, 10.0.0.1"))))).toBe(true);
    expect(ops(ip(req(xff("10.0.0.1"))))).toBe(false); // unknown → refused
  });

  test("invalid proxy CIDRs throw at creation", () => {
    expect(() => clientIpFrom({ kind: "cidrs", proxies: [] })).toThrow(TypeError);
    expectConfigError(() => clientIpFrom({ kind: "cidrs", proxies: [] }), "invalid_cidr");
    expect(() => clientIpFrom({ kind: "cidrs", proxies: ["10.0.0.0/33"] })).toThrow(
      'Invalid CIDR: "10.0.0.0/33"',
    );
  });
});

describe("misuse", () => {
  test("an unknown kind throws at creation (JavaScript callers)", () => {
    expect(() => clientIpFrom({ kind: "trust-me" } as unknown as ProxyTrust)).toThrow(TypeError);
    expectConfigError(
      () => clientIpFrom({ kind: "trust-me" } as unknown as ProxyTrust),
      "invalid_proxy_trust",
    );
    expect(() => clientIpFrom(undefined as unknown as ProxyTrust)).toThrow(TypeError);
    expectConfigError(
      () => clientIpFrom(undefined as unknown as ProxyTrust),
      "invalid_proxy_trust",
    );
  });

  // The `@ts-expect-error` lines are checked by `tsc --noEmit -p .` (the typecheck step of
  // `npm test`): an error that stops being one fails it. At run time, what gets through anyway:
  test("wrong shapes do not compile, and what slips past the types is refused or ignored", () => {
    // @ts-expect-error hops needs a count
    const noCount: ProxyTrust = { kind: "hops" };
    expect(() => clientIpFrom(noCount)).toThrow(/hops must be an integer >= 1/);
    // @ts-expect-error proxies belong to cidrs
    const strayProxies: ProxyTrust = { kind: "none", proxies: ["10.0.0.0/8"] };
    // "none" trusts no header: the stray list changes nothing, the address stays unknown.
    expect(clientIpFrom(strayProxies)(req(["x-forwarded-for", "10.1.2.3"]))).toBeNull();
    // @ts-expect-error a ParsedIp cannot be built by hand
    const forged = ipMatcher(["10.0.0.0/8"])({ version: 4, value: 1, address: "10.0.0.1" });
    expect(forged).toBe(false);
  });

  test("works with anything that has headers.get (server components: { headers: await headers() })", () => {
    const ip = clientIpFrom({ kind: "hops", hops: 1 });
    expect(ip({ headers: new Headers({ "x-forwarded-for": "203.0.113.9" }) })).toBe("203.0.113.9");
  });
});

/** What a Vercel deployment's functions see at runtime. */
const VERCEL_DEPLOYMENT = {
  VERCEL: "1",
  VERCEL_ENV: "production",
  VERCEL_URL: "next-authz-kit-abc123.vercel.app",
};

describe("proxyTrustFromEnv", () => {
  test("VERCEL=1 from a pulled .env.local (VERCEL_ENV=development, empty VERCEL_URL) trusts nothing, and says so once", () => {
    const lines: string[] = [];
    const pulled = { VERCEL: "1", VERCEL_ENV: "development", VERCEL_URL: "" };
    expect(proxyTrustFromEnv(pulled, { log: (l) => lines.push(l) })).toEqual({ kind: "none" });
    expect(proxyTrustFromEnv(pulled, { log: (l) => lines.push(l) })).toEqual({ kind: "none" });
    expect(proxyTrustFromEnv({ VERCEL: "1" }, { log: false })).toEqual({ kind: "none" });
    // A production pull has no deployment host either.
    expect(proxyTrustFromEnv({ VERCEL: "1", VERCEL_ENV: "production" }, { log: false })).toEqual({
      kind: "none",
    });
    expect(lines).toEqual([
      "[authz] proxy trust: none, VERCEL=1 ignored without a deployment's VERCEL_ENV (production or preview) and VERCEL_URL (a pulled .env file?): client addresses are unknown",
    ]);
    // So a forged X-Forwarded-For gives no address on such a host.
    const ip = clientIpFrom(proxyTrustFromEnv(pulled, { log: false }));
    expect(ip(req(xff("10.0.0.1")))).toBeNull();
    // And a pulled VERCEL=1 next to a real proxy setting is not a conflict.
    expect(proxyTrustFromEnv({ ...pulled, TRUSTED_PROXY_HOPS: "1" }, { log: false })).toEqual({
      kind: "hops",
      hops: 1,
    });
  });

  test("the chosen model is logged once at start-up", () => {
    const lines: string[] = [];
    proxyTrustFromEnv(
      { ...VERCEL_DEPLOYMENT, VERCEL_ENV: "preview" },
      { log: (l) => lines.push(l) },
    );
    proxyTrustFromEnv(
      { ...VERCEL_DEPLOYMENT, VERCEL_ENV: "preview" },
      { log: (l) => lines.push(l) },
    );
    expect(lines).toEqual([
      "[authz] proxy trust: vercel, from VERCEL=1 with VERCEL_ENV=preview and VERCEL_URL",
    ]);
  });

  test("nothing set → none", () => {
    expect(proxyTrustFromEnv({})).toEqual({ kind: "none" });
    expect(proxyTrustFromEnv({ VERCEL: "", TRUSTED_PROXY_HOPS: " " })).toEqual({ kind: "none" });
  });
  test("each variable", () => {
    expect(proxyTrustFromEnv(VERCEL_DEPLOYMENT)).toEqual({ kind: "vercel" });
    expect(proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "2" })).toEqual({ kind: "hops", hops: 2 });
    expect(proxyTrustFromEnv({ TRUSTED_PROXY_CIDRS: "10.0.0.0/8, 2001:db8::/32" })).toEqual({
      kind: "cidrs",
      proxies: ["10.0.0.0/8", "2001:db8::/32"],
    });
  });
  test("invalid values throw a TypeError naming the variable", () => {
    expect(() => proxyTrustFromEnv({ VERCEL: "true" })).toThrow(/VERCEL/);
    for (const v of ["0", "-1", "1.5", "01", "two", "1e3", "1000"]) {
      expect(() => proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: v }), v).toThrow(/TRUSTED_PROXY_HOPS/);
    }
    expect(() => proxyTrustFromEnv({ TRUSTED_PROXY_CIDRS: "10.0.0.0/8,,10.1.0.0/16" })).toThrow(
      /TRUSTED_PROXY_CIDRS: Invalid CIDR: ""/,
    );
    expect(() => proxyTrustFromEnv({ TRUSTED_PROXY_CIDRS: "10.0.0.1/8" })).toThrow(/host bits/);
    expectConfigError(() => proxyTrustFromEnv({ VERCEL: "true" }), "invalid_proxy_trust");
    expectConfigError(() => proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "01" }), "invalid_proxy_trust");
  });
  test("two models at once is a configuration error, not a guess", () => {
    expect(() => proxyTrustFromEnv({ ...VERCEL_DEPLOYMENT, TRUSTED_PROXY_HOPS: "1" })).toThrow(
      TypeError,
    );
    expect(() =>
      proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "1", TRUSTED_PROXY_CIDRS: "10.0.0.0/8" }),
    ).toThrow(TypeError);
    expectConfigError(
      () => proxyTrustFromEnv({ ...VERCEL_DEPLOYMENT, TRUSTED_PROXY_HOPS: "1" }),
      "invalid_proxy_trust",
    );
    expectConfigError(
      () => proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "1", TRUSTED_PROXY_CIDRS: "10.0.0.0/8" }),
      "invalid_proxy_trust",
    );
  });
  test("end to end: env → trust → request", () => {
    const ip = clientIpFrom(proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "1" }));
    expect(ip(req(xff("6.6.6.6, 203.0.113.9")))).toBe("203.0.113.9");
  });
});
