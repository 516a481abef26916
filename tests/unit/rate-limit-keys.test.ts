/**
 * What a rate-limit counter is per, through createAuthz + withAuthorization with a store that
 * records the keys it is asked for: keys never collide, IPv6 clients count per /64, an unknown
 * address is refused instead of sharing one bucket, and one operation name is one limit.
 */
import { describe, expect, it } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { clientIpFrom } from "@/lib/authz/ip";
import {
  rateLimitAddress,
  rateLimitKeyForAddress,
  rateLimitKeyForUser,
} from "@/lib/authz/rate-limit/key";
import { memoryRateLimitStore } from "@/lib/authz/rate-limit/memory";
import type { RateLimitStore } from "@/lib/authz/rate-limit/store";
import { authJsSession } from "@/lib/authz/session";
import { expectRefusal, requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";
import { configError, expectConfigError } from "../support/config-error";

const SECRET = "rate-limit-keys-test-secret-0123456789abcdef";

function recordingStore(): RateLimitStore & { keys: string[] } {
  const inner = memoryRateLimitStore();
  const keys: string[] = [];
  return { keys, consume: (key, rule) => (keys.push(key), inner.consume(key, rule)) };
}

const access = () => defineAccess({ roles: { member: {} } });

describe("rate-limit keys", () => {
  it("an operation name or user id holding the separator never shares another pair's key", () => {
    const pairs: [string, string][] = [
      ["a:user", "b"],
      ["a", "user:b"],
      ["a:user:b", ""],
      ["a", "b"],
    ];
    const keys = pairs.map(([op, id]) => rateLimitKeyForUser(op, id));
    expect(new Set(keys).size).toBe(pairs.length);
    expect(rateLimitKeyForUser("a", "ip:1.2.3.4")).not.toBe(rateLimitKeyForAddress("a", "1.2.3.4"));
  });

  it("two users whose ids differ only around a colon get separate counters through the kit", async () => {
    const a = access();
    const policy = a.policy({
      name: "p",
      rateLimit: { operation: "export", limit: 1, window: "1m" },
    });
    const store = recordingStore();
    const authz = createAuthz({
      session: authJsSession({ secret: SECRET }),
      rateLimitStore: store,
    });
    const route = authz.withAuthorization(policy, async () => Response.json({ ok: true }));
    for (const sub of ["x:y", "x%3Ay"]) {
      const cookie = await sessionCookie({ sub, role: "member" }, { secret: SECRET });
      expect((await route(requestFor("/r", { cookie }), routeContext())).status).toBe(200);
    }
    expect(new Set(store.keys).size).toBe(2);
  });

  it("IPv6 clients are counted per /64 by default, per address with ipv6Prefix: 128", async () => {
    expect(rateLimitAddress("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(rateLimitAddress("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(rateLimitAddress("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(rateLimitAddress("2001:db8::1", 128)).toBe("2001:db8::1");
    expect(rateLimitAddress("2001:db8:ffff::1", 48)).toBe("2001:db8:ffff::/48");
    expect(rateLimitAddress("203.0.113.9")).toBe("203.0.113.9");
    expect(rateLimitAddress("::ffff:203.0.113.9")).toBe("203.0.113.9");
    // A prefix inside a group keeps only its high bits; what does not parse has no network.
    expect(rateLimitAddress("2001:db8:1:2aff::1", 56)).toBe("2001:db8:1:2a00::/56");
    expect(rateLimitAddress("2001:db8:1:2aff::1", 52)).toBe("2001:db8:1:2000::/52");
    expect(rateLimitAddress("not an address")).toBeNull();
    expect(rateLimitKeyForUser("reports.export", "user:1")).toBe("reports.export:user:user%3A1");
    expect(rateLimitKeyForAddress("log in", "2001:db8::/64")).toBe(
      "log%20in:ip:2001%3Adb8%3A%3A%2F64",
    );

    const a = access();
    const policy = a.policy({
      name: "login",
      signedIn: false,
      rateLimit: { operation: "login", limit: 2, window: "1m", by: "ip" },
    });
    const authz = createAuthz({
      session: authJsSession({ secret: SECRET }),
      clientIp: clientIpFrom({ kind: "hops", hops: 1 }),
    });
    const route = authz.withAuthorization(policy, async () => Response.json({ ok: true }));
    const from = (ip: string) =>
      route(requestFor("/login", { headers: { "x-forwarded-for": ip } }), routeContext());
    // Three addresses of one /64: the third is over the limit of 2.
    expect((await from("2001:db8:1:2::1")).status).toBe(200);
    expect((await from("2001:db8:1:2::2")).status).toBe(200);
    await expectRefusal(await from("2001:db8:1:2:dead:beef::3"), {
      status: 429,
      code: "rate_limited",
    });
    // Another /64 has its own counter.
    expect((await from("2001:db8:1:3::1")).status).toBe(200);
  });

  it("an address that cannot be known is refused, never counted in one shared bucket", async () => {
    const a = access();
    const policy = a.policy({
      name: "login",
      signedIn: false,
      rateLimit: { operation: "login", limit: 100, window: "1m", by: "ip" },
    });
    const store = recordingStore();
    // The trust model says nothing in the request can be believed: every address is unknown.
    const authz = createAuthz({
      session: authJsSession({ secret: SECRET }),
      clientIp: clientIpFrom({ kind: "none" }),
      rateLimitStore: store,
    });
    const route = authz.withAuthorization(policy, async () => Response.json({ ok: true }));
    const response = await route(
      requestFor("/login", { headers: { "x-forwarded-for": "203.0.113.9" } }),
      routeContext(),
    );
    await expectRefusal(response, {
      status: 403,
      code: "address_unknown",
      message: "Client address cannot be determined",
    });
    expect(store.keys).toEqual([]);
  });

  it('by: "ip" without any clientIp is a definition error, not a refusal per request', () => {
    const a = access();
    const policy = a.policy({
      name: "login",
      signedIn: false,
      rateLimit: { operation: "login", limit: 5, window: "1m", by: "ip" },
    });
    const authz = createAuthz({ session: authJsSession({ secret: SECRET }) });
    expect(() => authz.withAuthorization(policy, async () => new Response())).toThrow(
      /counts per client address.*clientIp/,
    );
    expectConfigError(
      () => authz.withAuthorization(policy, async () => new Response()),
      "invalid_route",
    );
  });

  it("two policies naming one operation must agree on its limit", () => {
    const a = access();
    a.policy({ name: "one", rateLimit: { operation: "export", limit: 5, window: "1m" } });
    // The same limit under another policy shares the counter on purpose: allowed.
    expect(() =>
      a.policy({ name: "two", rateLimit: { operation: "export", limit: 5, window: 60_000 } }),
    ).not.toThrow();
    expect(() =>
      a.policy({ name: "three", rateLimit: { operation: "export", limit: 10, window: "1m" } }),
    ).toThrow(
      configError(
        "invalid_policy",
        'Invalid policy "three": rateLimit.operation "export" is already limited differently by policy "one"; one operation name is one counter, so give each limit its own name',
      ),
    );
    expect(() =>
      a.policy({ name: "four", rateLimit: { operation: "export", limit: 5, window: "2m" } }),
    ).toThrow(TypeError);
    expectConfigError(
      () => a.policy({ name: "four", rateLimit: { operation: "export", limit: 5, window: "2m" } }),
      "invalid_policy",
    );
    // Another declaration has its own names.
    expect(() =>
      access().policy({ name: "five", rateLimit: { operation: "export", limit: 1, window: "1s" } }),
    ).not.toThrow();
  });

  it("ipv6Prefix outside 1-128 is refused at definition", () => {
    expect(() =>
      access().policy({
        name: "p",
        signedIn: false,
        rateLimit: { operation: "p", limit: 1, window: "1m", by: "ip", ipv6Prefix: 0 },
      }),
    ).toThrow(/ipv6Prefix must be a whole number from 1 to 128/);
  });
});
