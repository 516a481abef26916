/**
 * requestHostFrom (lib/authz/ip/host.ts): the host the browser addressed, under the same proxy
 * trust model as the client address. `X-Forwarded-Host` is read only where a proxy is trusted to
 * write it, and then its last element (what the proxy nearest the app wrote or passed on).
 */
import { describe, expect, it } from "vitest";
import { requestHostFrom, type ProxyTrust } from "@/lib/authz/ip";
import { expectConfigError } from "../support/config-error";

const request = (headers: Record<string, string>, url = "http://10.0.0.5:3000/api/x") =>
  new Request(url, { headers });

describe("requestHostFrom", () => {
  it("none: the Host header, a client-sent X-Forwarded-Host ignored", () => {
    const host = requestHostFrom({ kind: "none" });
    expect(host(request({ host: "app.example", "x-forwarded-host": "evil.example" }))).toBe(
      "app.example",
    );
    expect(host(request({ "x-forwarded-host": "evil.example" }))).toBe("10.0.0.5:3000");
  });

  it.each<ProxyTrust>([
    { kind: "vercel" },
    { kind: "hops", hops: 2 },
    { kind: "cidrs", proxies: ["10.0.0.0/8"] },
  ])("%o: the last X-Forwarded-Host element, else Host", (trust) => {
    const host = requestHostFrom(trust);
    expect(host(request({ host: "10.0.0.5", "x-forwarded-host": "shop.example" }))).toBe(
      "shop.example",
    );
    // A client's own value before the proxy's is never the one read.
    expect(
      host(request({ host: "10.0.0.5", "x-forwarded-host": "evil.example, shop.example" })),
    ).toBe("shop.example");
    expect(host(request({ host: "10.0.0.5", "x-forwarded-host": " , " }))).toBe("10.0.0.5");
    expect(host(request({ host: "10.0.0.5" }))).toBe("10.0.0.5");
  });

  it("an unknown trust model is a configuration error", () => {
    expectConfigError(
      () => requestHostFrom({ kind: "all" } as unknown as ProxyTrust),
      "invalid_proxy_trust",
    );
  });
});
