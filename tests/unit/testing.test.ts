/**
 * testing.ts's `sessionCookie` in an Auth.js v5 project (this repo) and, by swapping the module
 * behind `next-auth/jwt` for next-auth@4's real one (`next-auth-v4`), in a NextAuth v4 project:
 * what a copied testing.ts meets there. Each cookie must be read by the kit's reader for that
 * version and by that version's own `decode`. The v4 project itself is built and exercised over HTTP
 * in tests/integration/copy-into-project.test.ts. Then `expectRefusal`, shown failing on every kind of
 * wrong refusal (an assertion helper that cannot fail proves nothing).
 */
import { decode as decodeV5 } from "next-auth/jwt";
import { decode as decodeV4 } from "next-auth-v4/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authJsSession, nextAuthV4Session } from "../../lib/authz/session";
import { expectRefusal } from "../../lib/authz/testing";

const SECRET = "testing-helper-secret-0123456789abcdef0123";
const claims = { sub: "user-alice", role: "admin", tenant: "acme" };
const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1);
const request = (cookie: string) => new Request("http://localhost:3000/x", { headers: { cookie } });

type TestingModule = typeof import("../../lib/authz/testing");

/** A fresh testing.ts whose `next-auth/jwt` is next-auth@4's (its version probe is per module). */
async function testingOnV4(): Promise<TestingModule> {
  vi.resetModules();
  vi.doMock("next-auth/jwt", () => import("next-auth-v4/jwt"));
  return import("../../lib/authz/testing");
}

afterEach(() => {
  vi.doUnmock("next-auth/jwt");
  vi.resetModules();
});

describe("sessionCookie with Auth.js v5 installed", () => {
  it("makes an authjs.session-token that authJsSession and v5 decode read", async () => {
    const { sessionCookie } = await import("../../lib/authz/testing");
    const cookie = await sessionCookie(claims, { secret: SECRET });
    expect(cookie.startsWith("authjs.session-token=")).toBe(true);
    expect(await authJsSession({ secret: SECRET })(request(cookie))).toMatchObject(claims);
    expect(
      await decodeV5({ token: tokenOf(cookie), secret: SECRET, salt: "authjs.session-token" }),
    ).toMatchObject(claims);
  });

  it("refuses version 4 instead of making a cookie nothing reads", async () => {
    const { sessionCookie } = await import("../../lib/authz/testing");
    await expect(sessionCookie(claims, { secret: SECRET, version: 4 })).rejects.toThrow(
      /installed next-auth\/jwt is Auth.js v5/,
    );
  });
});

describe("sessionCookie with NextAuth v4 installed", () => {
  it("makes a next-auth.session-token that nextAuthV4Session and v4 decode read", async () => {
    const { sessionCookie } = await testingOnV4();
    const cookie = await sessionCookie(claims, { secret: SECRET });
    expect(cookie.startsWith("next-auth.session-token=")).toBe(true);
    expect(await nextAuthV4Session({ secret: SECRET })(request(cookie))).toMatchObject(claims);
    expect(await decodeV4({ token: tokenOf(cookie), secret: SECRET })).toMatchObject(claims);
    // Not a v5 session: the v5 reader must not accept it.
    expect(
      await authJsSession({ secret: SECRET, cookieName: "next-auth.session-token" })(
        request(cookie),
      ),
    ).toBeNull();
  });

  it("keeps v4's empty salt under a custom or __Secure- cookie name", async () => {
    const { sessionCookie } = await testingOnV4();
    const secure = await sessionCookie(claims, { secret: SECRET, secure: true, version: 4 });
    expect(secure.startsWith("__Secure-next-auth.session-token=")).toBe(true);
    const custom = await sessionCookie(claims, { secret: SECRET, cookieName: "app.session" });
    expect(
      await nextAuthV4Session({ secret: SECRET, cookieName: "app.session" })(request(custom)),
    ).toMatchObject(claims);
    expect(await decodeV4({ token: tokenOf(custom), secret: SECRET })).toMatchObject(claims);
  });

  it("makes expired tokens with a negative maxAge", async () => {
    const { sessionCookie } = await testingOnV4();
    const cookie = await sessionCookie(claims, { secret: SECRET, maxAge: -3600 });
    expect(await nextAuthV4Session({ secret: SECRET })(request(cookie))).toBeNull();
  });

  it("refuses version 5", async () => {
    const { sessionCookie } = await testingOnV4();
    await expect(sessionCookie(claims, { secret: SECRET, version: 5 })).rejects.toThrow(
      /installed next-auth\/jwt is NextAuth v4/,
    );
  });
});

describe("sessionCookieName", () => {
  it("names both versions' cookies", async () => {
    const { sessionCookieName } = await import("../../lib/authz/testing");
    expect(sessionCookieName()).toBe("authjs.session-token");
    expect(sessionCookieName(true)).toBe("__Secure-authjs.session-token");
    expect(sessionCookieName(false, 4)).toBe("next-auth.session-token");
    expect(sessionCookieName(true, 4)).toBe("__Secure-next-auth.session-token");
  });
});

describe("expectRefusal fails on a refusal that is not the expected one", () => {
  const refusal = (
    init: { status?: number; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    new Response(
      JSON.stringify(
        init.body ?? { error: "Forbidden", message: "Requires admin role", code: "role_required" },
      ),
      {
        status: init.status ?? 403,
        headers: {
          "content-type": "application/json",
          "cache-control": "no-store",
          ...init.headers,
        },
      },
    );
  const expected = { status: 403, code: "role_required", message: "Requires admin role" } as const;

  it("passes the kit's own refusal and returns its body", async () => {
    await expect(expectRefusal(refusal(), expected)).resolves.toEqual({
      error: "Forbidden",
      message: "Requires admin role",
      code: "role_required",
    });
  });

  it.each<[string, Response, RegExp]>([
    [
      "a wrong status",
      refusal({ status: 401, headers: { "www-authenticate": "Cookie" } }),
      /status 401, expected 403/,
    ],
    ["a 200", refusal({ status: 200 }), /status 200, expected 403/],
    [
      "a wrong code",
      refusal({
        body: { error: "Forbidden", message: "Requires admin role", code: "plan_required" },
      }),
      /code "plan_required", expected "role_required"/,
    ],
    [
      "a wrong message",
      refusal({ body: { error: "Forbidden", message: "Nope", code: "role_required" } }),
      /message "Nope", expected "Requires admin role"/,
    ],
    [
      "a body without error",
      refusal({ body: { message: "Requires admin role", code: "role_required" } }),
      /no error field/,
    ],
    [
      "a body that is not JSON",
      new Response("<html>403</html>", { status: 403, headers: { "cache-control": "no-store" } }),
      /body is not JSON/,
    ],
    [
      "a cacheable refusal",
      refusal({ headers: { "cache-control": "max-age=60" } }),
      /Cache-Control "max-age=60"/,
    ],
    ["a refusal that sets a cookie", refusal({ headers: { "set-cookie": "a=b" } }), /set a cookie/],
  ])("%s", async (_label, response, message) => {
    await expect(expectRefusal(response, expected)).rejects.toThrow(message);
  });

  it("a 401 without WWW-Authenticate", async () => {
    const response = refusal({
      status: 401,
      body: { error: "Unauthorized", message: "Authentication required", code: "unauthenticated" },
    });
    await expect(expectRefusal(response, { status: 401, code: "unauthenticated" })).rejects.toThrow(
      /401 without WWW-Authenticate/,
    );
  });

  it("a header that differs from the expected string or pattern", async () => {
    const limited = refusal({
      status: 429,
      body: { error: "Too Many Requests", message: "Slow down", code: "rate_limited" },
      headers: { "retry-after": "30" },
    });
    await expect(
      expectRefusal(limited.clone(), {
        status: 429,
        code: "rate_limited",
        headers: { "retry-after": "60" },
      }),
    ).rejects.toThrow(/header retry-after "30", expected 60/);
    await expect(
      expectRefusal(limited.clone(), {
        status: 429,
        code: "rate_limited",
        headers: { ratelimit: /r=0/ },
      }),
    ).rejects.toThrow(/header ratelimit "null"/);
    await expect(
      expectRefusal(limited.clone(), {
        status: 429,
        code: "rate_limited",
        headers: { "retry-after": /^\d+$/ },
      }),
    ).resolves.toMatchObject({ code: "rate_limited" });
  });

  it("names every problem at once", async () => {
    const response = new Response("{}", { status: 200 });
    await expect(expectRefusal(response, expected)).rejects.toThrow(
      /status 200, expected 403; Cache-Control "null", expected "no-store"; code "undefined", expected "role_required"; message "undefined", expected "Requires admin role"; body has no error field/,
    );
  });
});
