/**
 * lib/authz/session/better-auth-adapter.ts over a real Better Auth instance: the outcomes follow
 * `auth.api.getSession`, the Set-Cookie lines it emits are kept per request, `authoritative` sees a
 * revocation at once while the cookie cache keeps answering until it expires, and a failing
 * database is a rejection (503), never anonymous.
 */
import { describe, expect, it } from "vitest";
import { betterAuthSession } from "@/lib/authz/session/better-auth";
import {
  sessionFromBetterAuth,
  type BetterAuthLike,
} from "@/lib/authz/session/better-auth-adapter";
import { credentialSources, readCredential } from "@/lib/authz/session/compose";
import { TEST_SECRET, sessionTokenOnly, signUp, testAuth } from "../support/better-auth";

const request = (cookie: string) =>
  new Request("http://localhost:3000/api/me", cookie ? { headers: { cookie } } : {});

describe("sessionFromBetterAuth", () => {
  it("answers ok with the same claims the edge source maps, and none without cookies", async () => {
    const { auth } = testAuth();
    const cookie = await signUp(auth, "alice@example.com");
    const node = sessionFromBetterAuth(auth);
    expect(node).toMatchObject({ kind: "session", runtime: "node" });
    const outcome = await node.read(request(cookie));
    const edge = await betterAuthSession({ secret: TEST_SECRET, secure: false }).read(
      request(cookie),
    );
    expect(outcome.status).toBe("ok");
    expect(edge.status).toBe("ok");
    if (outcome.status !== "ok" || edge.status !== "ok") return;
    expect(outcome.auth.claims).toEqual(edge.auth.claims);
    expect(outcome.auth.sessionId).toBe(edge.auth.sessionId);
    expect(outcome.auth.authTime).toBe(edge.auth.authTime);
    expect(await node.read(request(""))).toEqual({ status: "none" });
  });

  it("decides what the edge source leaves unknown, and keeps the cache cookie Better Auth re-sets", async () => {
    const { auth } = testAuth();
    const cookie = await signUp(auth, "bob@example.com");
    const tokenOnly = sessionTokenOnly(cookie);
    const edge = betterAuthSession({ secret: TEST_SECRET, secure: false });
    expect((await edge.read(request(tokenOnly))).status).toBe("unknown");
    const node = sessionFromBetterAuth(auth);
    const req = request(tokenOnly);
    expect((await node.read(req)).status).toBe("ok");
    const lines = node.setCookies(req);
    expect(lines.some((line) => line.startsWith("better-auth.session_data="))).toBe(true);
    // Those cookies are real: sent back, the edge source now decides alone.
    const refreshed = `${tokenOnly}; ${lines.map((l) => l.split(";")[0]).join("; ")}`;
    expect((await edge.read(request(refreshed))).status).toBe("ok");
    expect(node.setCookies(request(tokenOnly))).toEqual([]);
  });

  it("refuses a tampered token as invalid", async () => {
    const { auth } = testAuth();
    const cookie = await signUp(auth, "carol@example.com");
    const tampered = cookie.replace(/session_token=([^;]{5})/, "session_token=XXXXX");
    const outcome = await sessionFromBetterAuth(auth).read(request(tampered));
    expect(outcome).toMatchObject({ status: "invalid", error: "invalid_token" });
  });

  it("sees a sign-out at once when authoritative; through the cache only until it expires", async () => {
    const { auth } = testAuth();
    const cookie = await signUp(auth, "dave@example.com");
    const signOut = await auth.api.signOut({ headers: new Headers({ cookie }), asResponse: true });
    expect(signOut.status).toBe(200);
    // The browser that signed out drops its cookies; a copy of them (another tab's request in
    // flight, a stolen cookie) is what each source still sees.
    const cached = await sessionFromBetterAuth(auth).read(request(cookie));
    expect(cached.status).toBe("ok");
    const authoritative = await sessionFromBetterAuth(auth, { authoritative: true }).read(
      request(cookie),
    );
    expect(authoritative).toMatchObject({ status: "invalid" });
    expect((await auth.api.getSession({ headers: new Headers({ cookie }) }))?.user.id).toBe(
      cached.status === "ok" ? cached.auth.claims.sub : "",
    );
    expect(
      await auth.api.getSession({
        headers: new Headers({ cookie }),
        query: { disableCookieCache: true },
      }),
    ).toBeNull();
  });

  it("rejects when Better Auth cannot answer: the kit refuses (503), never anonymous", async () => {
    const failing: BetterAuthLike = {
      api: {
        getSession: () => Promise.reject(new Error("database unavailable")),
      },
    };
    await expect(
      sessionFromBetterAuth(failing).read(request("better-auth.session_token=x.y")),
    ).rejects.toThrow("database unavailable");
  });

  it("maps with toClaims, and refuses when it returns null", async () => {
    const { auth } = testAuth();
    const cookie = await signUp(auth, "erin@example.com");
    const mapped = await sessionFromBetterAuth(auth, {
      toClaims: (s) => ({ sub: s.user.id, tenant: "acme" }),
    }).read(request(cookie));
    expect(mapped.status === "ok" && mapped.auth.claims.tenant).toBe("acme");
    const refused = await sessionFromBetterAuth(auth, { toClaims: () => null }).read(
      request(cookie),
    );
    expect(refused.status).toBe("invalid");
  });

  it("after the edge source in a list, is asked only when the cookie cache cannot decide", async () => {
    const { auth } = testAuth();
    const cookie = await signUp(auth, "frank@example.com");
    let calls = 0;
    const counted: BetterAuthLike = {
      api: { getSession: (input) => (calls++, auth.api.getSession(input)) },
    };
    const node = sessionFromBetterAuth(counted);
    const sources = credentialSources([
      betterAuthSession({ secret: TEST_SECRET, secure: false }),
      node,
    ]);
    // A valid cache: Better Auth's getSession would answer from it too, without a database read.
    const cached = await readCredential(sources, request(cookie));
    expect(cached).toMatchObject({ status: "decided", outcome: { status: "ok" } });
    expect(calls).toBe(0);
    // No cache: the edge source says unknown, Better Auth decides and re-sets the cache.
    const tokenOnly = sessionTokenOnly(cookie);
    const req = request(tokenOnly);
    const asked = await readCredential(sources, req);
    expect(asked).toMatchObject({ status: "decided", source: node, outcome: { status: "ok" } });
    expect(calls).toBe(1);
    expect(node.setCookies(req).some((line) => line.includes("session_data="))).toBe(true);
    // A forged token is refused by the edge source, and Better Auth is not asked to look it up.
    const forged = cookie.replace(/session_token=([^;]{5})/, "session_token=XXXXX");
    const refused = await readCredential(sources, request(forged));
    expect(refused).toMatchObject({ status: "decided", outcome: { status: "invalid" } });
    expect(calls).toBe(1);
  });
});
