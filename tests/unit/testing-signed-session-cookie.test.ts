/**
 * testing.ts's `signedSessionCookie`: an app's own session cookie as jose's SignJWT writes it
 * (the nextjs/saas-starter shape). jose's `jwtVerify` is the oracle, and the kit's `signedCookie`
 * source must read the same cookie as the app's subject; wrong secret and expiry refused by both.
 */
import { SignJWT, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { signedCookie } from "../../lib/authz/session/signed-cookie";
import { signedSessionCookie } from "../../lib/authz/testing";

const SECRET = "saas-starter-secret-0123456789abcdef0123456789";
const key = new TextEncoder().encode(SECRET);
const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1);
const request = (cookie: string) =>
  new Request("http://localhost:3000/dashboard", { headers: { cookie } });
const source = signedCookie({ secret: SECRET });

describe("signedSessionCookie", () => {
  it("writes what jose's SignJWT writes for saas-starter: session cookie, HS256, iat and exp", async () => {
    const payload = { user: { id: 1 }, expires: "2026-12-08T00:00:00.000Z" };
    const cookie = await signedSessionCookie(payload, { secret: SECRET });
    expect(cookie.startsWith("session=")).toBe(true);
    const ours = await jwtVerify(tokenOf(cookie), key, { algorithms: ["HS256"] });
    const theirs = await new SignJWT(payload)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(key);
    expect(ours.protectedHeader).toEqual(decodeProtectedHeader(theirs));
    expect(Object.keys(ours.payload).sort()).toEqual(Object.keys(decodeJwt(theirs)).sort());
    expect(ours.payload.exp! - ours.payload.iat!).toBe(3600);
  });

  it("is read by signedCookie as the subject '1' (a numeric id mapped to sub)", async () => {
    const cookie = await signedSessionCookie({ user: { id: 1 } }, { secret: SECRET });
    const outcome = await source.read(request(cookie));
    expect(outcome.status).toBe("ok");
    expect(outcome.status === "ok" && outcome.auth.claims.sub).toBe("1");
  });

  it("a wrong secret or an expired token is refused by jose and by the kit alike", async () => {
    const wrong = await signedSessionCookie({ user: { id: 1 } }, { secret: `${SECRET}x` });
    const expired = await signedSessionCookie({ user: { id: 1 } }, { secret: SECRET, maxAge: -5 });
    for (const cookie of [wrong, expired]) {
      await expect(jwtVerify(tokenOf(cookie), key)).rejects.toThrow();
      expect((await source.read(request(cookie))).status).toBe("invalid");
    }
  });

  it("names the cookie as asked and refuses an empty secret", async () => {
    const cookie = await signedSessionCookie({ sub: "u-1" }, { secret: SECRET, cookieName: "s" });
    expect(cookie.startsWith("s=")).toBe(true);
    await expect(signedSessionCookie({ sub: "u-1" }, { secret: "" })).rejects.toThrow(
      /non-empty secret/,
    );
  });
});
