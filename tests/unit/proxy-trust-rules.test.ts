/**
 * The edges of proxy trust that decide whether a client may write its own address or host: which
 * environments count as a Vercel deployment, how TRUSTED_PROXY_HOPS is read, what counts as an
 * element of X-Forwarded-For, and the line that says which model was chosen. Each case here was
 * a mutant of lib/authz/ip/ that no other test noticed (npm run mutation).
 */
import { describe, expect, it } from "vitest";
import { clientIpFrom, proxyTrustFromEnv, requestHostFrom } from "@/lib/authz/ip";
import { expectConfigError } from "../support/config-error";

const req = (headers: Record<string, string> = {}) => new Request("https://app.test/", { headers });
const quiet = { log: false } as const;

describe("proxyTrustFromEnv: a Vercel deployment needs all three of its variables", () => {
  const deployment = { VERCEL: "1", VERCEL_ENV: "production", VERCEL_URL: "app-x.vercel.app" };

  it("VERCEL=1 with a production or preview VERCEL_ENV and a VERCEL_URL trusts Vercel", () => {
    expect(proxyTrustFromEnv(deployment, quiet)).toEqual({ kind: "vercel" });
    expect(proxyTrustFromEnv({ ...deployment, VERCEL_ENV: "preview" }, quiet)).toEqual({
      kind: "vercel",
    });
  });

  it("without VERCEL=1, VERCEL_ENV and VERCEL_URL alone trust nothing", () => {
    const notVercel = { VERCEL_ENV: "production", VERCEL_URL: "app-x.vercel.app" };
    expect(proxyTrustFromEnv(notVercel, quiet)).toEqual({ kind: "none" });
  });

  it("a development VERCEL_ENV (vercel dev, a pulled .env) trusts nothing", () => {
    expect(proxyTrustFromEnv({ ...deployment, VERCEL_ENV: "development" }, quiet)).toEqual({
      kind: "none",
    });
  });
});

describe("proxyTrustFromEnv: TRUSTED_PROXY_HOPS", () => {
  it("reads up to three digits, spaces around them ignored", () => {
    expect(proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "12" }, quiet)).toEqual({
      kind: "hops",
      hops: 12,
    });
    expect(proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: " 2 " }, quiet)).toEqual({
      kind: "hops",
      hops: 2,
    });
    expect(proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "999" }, quiet)).toEqual({
      kind: "hops",
      hops: 999,
    });
    for (const bad of ["0", "1000", "1x", "x1", "-1", "1.5"])
      expectConfigError(
        () => proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: bad }, quiet),
        "invalid_proxy_trust",
      );
  });
});

describe("proxyTrustFromEnv: the line that names the model", () => {
  it("says which model was chosen and from what, once per outcome", () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "7" }, { log });
    proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "7" }, { log });
    proxyTrustFromEnv({ TRUSTED_PROXY_CIDRS: "10.9.0.0/16, 10.8.0.1" }, { log });
    proxyTrustFromEnv({ VERCEL: "1", VERCEL_ENV: "production", VERCEL_URL: "u" }, { log });
    proxyTrustFromEnv({}, { log });
    proxyTrustFromEnv({ VERCEL: "1" }, { log });
    expect(lines).toEqual([
      "[authz] proxy trust: hops (7), from TRUSTED_PROXY_HOPS",
      "[authz] proxy trust: cidrs (10.9.0.0/16, 10.8.0.1), from TRUSTED_PROXY_CIDRS",
      "[authz] proxy trust: vercel, from VERCEL=1 with VERCEL_ENV=production and VERCEL_URL",
      "[authz] proxy trust: none, no trusted proxy configured: client addresses are unknown",
      "[authz] proxy trust: none, VERCEL=1 ignored without a deployment's VERCEL_ENV (production or preview) and VERCEL_URL (a pulled .env file?): client addresses are unknown",
    ]);
  });
});

describe("X-Forwarded-For elements", () => {
  it("an empty element is not a hop: a client cannot shift which element the app trusts", () => {
    const ip = clientIpFrom({ kind: "hops", hops: 2 });
    expect(ip(req({ "x-forwarded-for": "203.0.113.9, , 198.51.100.1" }))).toBe("203.0.113.9");
    expect(ip(req({ "x-forwarded-for": "203.0.113.9,,198.51.100.1" }))).toBe("203.0.113.9");
  });

  it("a port is dropped up to 65535, and an element with a larger one is no address", () => {
    const ip = clientIpFrom({ kind: "hops", hops: 1 });
    expect(ip(req({ "x-forwarded-for": "203.0.113.9:65535" }))).toBe("203.0.113.9");
    expect(ip(req({ "x-forwarded-for": "[2001:db8::1]:65535" }))).toBe("2001:db8::1");
    expect(ip(req({ "x-forwarded-for": "203.0.113.9:65536" }))).toBeNull();
  });

  it("on Vercel, an empty x-vercel-forwarded-for is no address, never X-Forwarded-For's", () => {
    const ip = clientIpFrom({ kind: "vercel" });
    const spoofed = { "x-forwarded-for": "6.6.6.6" };
    expect(ip(req({ "x-vercel-forwarded-for": "", ...spoofed }))).toBeNull();
    expect(ip(req({ "x-vercel-forwarded-for": " , ", ...spoofed }))).toBeNull();
    expect(ip(req({ "x-vercel-forwarded-for": "203.0.113.9", ...spoofed }))).toBe("203.0.113.9");
  });
});

describe("requestHostFrom", () => {
  it("refuses a missing trust model with the kit's configuration error", () => {
    expectConfigError(() => requestHostFrom(null as never), "invalid_proxy_trust");
    expectConfigError(() => clientIpFrom(undefined as never), "invalid_proxy_trust");
  });

  it("trims a Host that a hand-built headers object did not", () => {
    const host = requestHostFrom({ kind: "none" });
    expect(host({ headers: { get: (n) => (n === "host" ? " app.test:3000 " : null) } })).toBe(
      "app.test:3000",
    );
  });
});
