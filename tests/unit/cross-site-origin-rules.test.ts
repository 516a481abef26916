/**
 * The cross-site check's rules one by one (lib/authz/http/origin.ts), each with the request that
 * tells it apart: written for the mutants StrykerJS found no unit test noticing (docs/testing.md).
 * Fetch metadata that says same-site or cross-site lets only a trusted origin through, even one
 * naming this host; a request whose own host is unknown matches no Origin; the refusal names its
 * rule; and trustedOrigins takes exact origins only.
 */
import { describe, expect, it } from "vitest";
import { crossSiteRefusal, trustedOriginSet } from "@/lib/authz/http/origin";
import { expectConfigError } from "../support/config-error";

const post = (headers: Record<string, string>) =>
  new Request("http://app.example/api/x", { method: "POST", headers });

describe("crossSiteRefusal", () => {
  const none = trustedOriginSet([]);
  const trusted = trustedOriginSet(["https://admin.example"]);

  it("refuses what fetch metadata calls same-site or cross-site, even with this host's Origin", () => {
    for (const site of ["same-site", "cross-site"]) {
      const own = post({
        host: "app.example",
        origin: "http://app.example",
        "sec-fetch-site": site,
      });
      expect(crossSiteRefusal(own, none), site).toMatchObject({ status: 403, rule: "origin" });
      const evil = post({
        host: "app.example",
        origin: "https://evil.example",
        "sec-fetch-site": site,
      });
      expect(crossSiteRefusal(evil, trusted), site).toMatchObject({ code: "cross_site_request" });
      const admin = post({
        host: "app.example",
        origin: "https://admin.example",
        "sec-fetch-site": site,
      });
      expect(crossSiteRefusal(admin, trusted), site).toBeNull();
    }
    // Metadata without an Origin cannot name a trusted origin.
    expect(crossSiteRefusal(post({ "sec-fetch-site": "cross-site" }), trusted)).not.toBeNull();
  });

  it("matches no Origin when the request's own host is unknown", () => {
    // An opaque origin (a sandboxed frame, a file: page) is nobody's own and never trusted.
    expect(crossSiteRefusal(post({ host: "app.example", origin: "null" }), trusted)).toMatchObject({
      status: 403,
    });
    // No Host header: the own origin is unknown, never "http://null".
    expect(crossSiteRefusal(post({ origin: "http://null" }), none)).toMatchObject({ status: 403 });
    // A trust model that knows no host for the request: no Origin is its own, "http://null" neither.
    expect(crossSiteRefusal(post({ origin: "http://null" }), none, () => null)).toMatchObject({
      status: 403,
    });
    // A host that is no host: the same.
    const bad = post({ host: "a b", origin: "http://a b" });
    expect(crossSiteRefusal(bad, none)).toMatchObject({ status: 403 });
    const thrown = crossSiteRefusal(
      post({ host: "app.example", origin: "http://app.example" }),
      none,
      () => {
        throw new Error("trust model failed");
      },
    );
    expect(thrown).toMatchObject({ status: 403 });
  });

  it("names its rule and says what it refused", () => {
    const refusal = crossSiteRefusal(
      post({ origin: "https://evil.example", host: "app.example" }),
      none,
    );
    expect(refusal).toMatchObject({
      allowed: false,
      status: 403,
      code: "cross_site_request",
      message: "Cross-site request refused",
      rule: "origin",
    });
  });
});

describe("trustedOriginSet", () => {
  it("takes exact origins, and refuses anything else with what it expected", () => {
    expect([...trustedOriginSet(["https://a.example", "http://localhost:3000"])]).toEqual([
      "https://a.example",
      "http://localhost:3000",
    ]);
    for (const entry of [
      "not a url",
      "null",
      "file:///etc/passwd",
      "https://a.example/",
      "https://a.example/path",
      "HTTPS://A.example",
    ]) {
      const error = expectConfigError(() => trustedOriginSet([entry]), "invalid_authz_options");
      expect(error.message, entry).toContain(JSON.stringify(entry));
      expect(error.message, entry).toContain('expected an origin such as "https://app.example"');
    }
  });
});
