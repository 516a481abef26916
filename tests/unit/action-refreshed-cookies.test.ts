/**
 * A server action guarded by the kit passes on the cookies its credential refreshed: Better Auth,
 * asked with a session token whose cookie cache is gone, re-sets the cache, and the action's answer
 * must carry it as a route handler's does (through Next's cookie store, the only way an action sets
 * one). A refused call sets nothing. `next/headers` is the stand-in (no Next request here); Better
 * Auth and its cookies are real.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ResponseCookies } from "next/dist/server/web/spec-extension/cookies";
import { createActionGuard } from "@/lib/authz/action";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { betterAuthSession } from "@/lib/authz/session/better-auth";
import { sessionFromBetterAuth } from "@/lib/authz/session/better-auth-adapter";
import { parseSetCookie } from "@/lib/authz/http/set-cookie";
import { TEST_SECRET, sessionTokenOnly, signUp, testAuth } from "../support/better-auth";

let requestHeaders = new Headers();
const written: Headers = new Headers();
vi.mock("next/headers", () => ({
  headers: async () => requestHeaders,
  // Next's own cookie store over the answer's headers: what it writes is what the browser gets.
  cookies: async () => new ResponseCookies(written),
}));

const access = defineAccess({ roles: { user: {}, admin: {} } });
const signedIn = access.policy({ name: "signed-in" });
const admins = access.policy({ name: "admins", role: "admin" });

/** A cookie's name and attributes, without its value and the clock-dependent Expires. */
function attributesOf(line: string) {
  const fields: Record<string, unknown> = { ...parseSetCookie(line) };
  delete fields.value;
  delete fields.expires;
  return fields;
}

beforeEach(() => {
  for (const name of [...written.keys()]) written.delete(name);
});

describe("a guarded server action under Better Auth", () => {
  it("carries the cookie cache Better Auth re-set, exactly as Better Auth wrote it", async () => {
    const { auth } = testAuth();
    const cookie = await signUp(auth, "grace@example.com");
    const tokenOnly = sessionTokenOnly(cookie);
    const node = sessionFromBetterAuth(auth);
    const authz = createAuthz({
      session: [betterAuthSession({ secret: TEST_SECRET, secure: false }), node],
    });
    const { withAuthorizationAction } = createActionGuard(authz);
    const action = withAuthorizationAction(signedIn, async (_input, { subject }) => subject.id);

    requestHeaders = new Headers({
      cookie: tokenOnly,
      origin: "http://localhost:3000",
      host: "localhost:3000",
    });
    const result = await action();
    expect(typeof result).toBe("string");
    const lines = written.getSetCookie();
    const cache = lines.find((line) => line.startsWith("better-auth.session_data="));
    expect(cache).toBeDefined();
    // The same cookie Better Auth's own answer would set: name, value and attributes.
    const fromAuth = await auth.api.getSession({
      headers: new Headers({ cookie: tokenOnly }),
      returnHeaders: true,
    });
    const expected = fromAuth.headers
      .getSetCookie()
      .find((line) => line.startsWith("better-auth.session_data="))!;
    expect(attributesOf(cache!)).toEqual(attributesOf(expected));
    // Sent back, that cache lets the Edge source decide alone.
    const refreshed = `${tokenOnly}; ${cache!.split(";")[0]}`;
    const edge = betterAuthSession({ secret: TEST_SECRET, secure: false });
    const outcome = await edge.read(
      new Request("http://localhost:3000/", { headers: { cookie: refreshed } }),
    );
    expect(outcome.status).toBe("ok");
  });

  it("sets nothing when the call is refused, and nothing when the cache was valid", async () => {
    const { auth } = testAuth();
    const cookie = await signUp(auth, "heidi@example.com");
    const authz = createAuthz({
      session: [
        betterAuthSession({ secret: TEST_SECRET, secure: false }),
        sessionFromBetterAuth(auth),
      ],
    });
    const { withAuthorizationAction } = createActionGuard(authz);
    const tokenOnly = sessionTokenOnly(cookie);
    requestHeaders = new Headers({
      cookie: tokenOnly,
      origin: "http://localhost:3000",
      host: "localhost:3000",
    });
    const refused = await withAuthorizationAction(admins, async () => "ran")();
    expect(refused).toMatchObject({ ok: false, status: 403 });
    expect(written.getSetCookie()).toEqual([]);

    requestHeaders = new Headers({
      cookie,
      origin: "http://localhost:3000",
      host: "localhost:3000",
    });
    expect(await withAuthorizationAction(signedIn, async () => "ran")()).toBe("ran");
    expect(written.getSetCookie()).toEqual([]);
  });
});

describe("parseSetCookie", () => {
  it("round-trips through Next's cookie store: the same pair byte for byte, the same attributes", () => {
    for (const line of [
      "a=b%2Bc%3D; Path=/; Max-Age=300; HttpOnly; SameSite=Lax",
      "__Secure-x=1; Path=/app; Domain=example.com; Secure; SameSite=None; Partitioned",
      "gone=; Path=/; Max-Age=0",
    ]) {
      const headers = new Headers();
      new ResponseCookies(headers).set(parseSetCookie(line)!);
      const [written] = headers.getSetCookie();
      expect(written!.split(";")[0]).toBe(line.split(";")[0]);
      // Next adds an Expires for a Max-Age and writes SameSite in lower case: the same cookie.
      expect(attributesOf(written!)).toEqual(attributesOf(line));
    }
  });

  it("keeps Max-Age=0, reads attribute names in any case, and ignores what it does not know", () => {
    expect(parseSetCookie("a=1; max-age=0; PATH=/p; samesite=STRICT; Foo=bar; httponly")).toEqual({
      name: "a",
      value: "1",
      maxAge: 0,
      path: "/p",
      sameSite: "strict",
      httpOnly: true,
    });
    expect(parseSetCookie("a=1; SameSite=sideways; Max-Age=soon")).toEqual({
      name: "a",
      value: "1",
    });
    expect(parseSetCookie("a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT")?.expires?.getTime()).toBe(
      Date.UTC(2037, 9, 21, 7, 28),
    );
  });

  it("refuses a line without a name or with a value that does not decode", () => {
    for (const line of ["", "novalue", "=v; Path=/", " ; Path=/", "a=%E0%A4%A; Path=/"])
      expect(parseSetCookie(line), line).toBeNull();
  });
});
