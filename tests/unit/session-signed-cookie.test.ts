/**
 * signedCookie against jose's `jwtVerify`, called exactly as nextjs/saas-starter's
 * lib/auth/session.ts calls it (`jwtVerify(token, key, { algorithms: ["HS256"] })`): the cookie is
 * minted the way saas-starter's `signToken` mints it (`{ user: { id: 1 }, expires }`, HS256,
 * `setIssuedAt`, `setExpirationTime`), then varied. The accept sets must be equal; where the kit
 * deliberately differs (no `exp`, oversized) the cases are apart and assert that the kit refuses.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SignJWT, jwtVerify } from "jose";
import { signedCookie, defaultSignedCookieClaims } from "../../lib/authz/session/signed-cookie";
import { importJwsKey } from "../../lib/authz/session/jws";
import type { CredentialSource, SourceOutcome } from "../../lib/authz/session/credential";
import { expectConfigError } from "../support/config-error";

const NOW = 1_800_000_000;
const SECRET = "saas-starter-auth-secret-0123456789abcdef";
const OLD_SECRET = "saas-starter-old-secret-0123456789abcdef";
const key = (secret: string) => new TextEncoder().encode(secret);
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

/** saas-starter's signToken, with the knobs the corpus varies. */
async function signToken(
  payload: Record<string, unknown>,
  opts: {
    secret?: string;
    exp?: number | null;
    nbf?: number;
    alg?: "HS256" | "HS512";
    typ?: string;
    signWith?: "rsa";
  } = {},
): Promise<string> {
  const jwt = new SignJWT(payload)
    .setProtectedHeader(
      opts.signWith === "rsa"
        ? { alg: "RS256" }
        : { alg: opts.alg ?? "HS256", ...(opts.typ ? { typ: opts.typ } : {}) },
    )
    .setIssuedAt();
  if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? "1 day from now");
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign(opts.signWith === "rsa" ? rsa.privateKey : key(opts.secret ?? SECRET));
}

const request = (cookie: string) =>
  new Request("https://app.example/dashboard", { headers: { cookie } });

async function saasStarterVerify(token: string, secrets: string[]): Promise<unknown> {
  for (const secret of secrets) {
    try {
      const { payload } = await jwtVerify(token, key(secret), { algorithms: ["HS256"] });
      return payload;
    } catch {
      // next secret
    }
  }
  return null;
}

const expires = new Date((NOW + 86_400) * 1000).toISOString();
const user = { user: { id: 1 }, expires };

async function corpus(): Promise<{ label: string; cookie: string; token: string }[]> {
  const cases: { label: string; token: string }[] = [
    { label: "valid", token: await signToken(user) },
    { label: "string id", token: await signToken({ user: { id: "u-1" }, expires }) },
    { label: "expired exactly now", token: await signToken(user, { exp: NOW }) },
    { label: "expired 1 s ago", token: await signToken(user, { exp: NOW - 1 }) },
    { label: "expires in 1 s", token: await signToken(user, { exp: NOW + 1 }) },
    { label: "nbf 1 s ahead", token: await signToken(user, { nbf: NOW + 1 }) },
    { label: "nbf now", token: await signToken(user, { nbf: NOW }) },
    { label: "wrong secret", token: await signToken(user, { secret: "x".repeat(40) }) },
    { label: "rotated: old secret", token: await signToken(user, { secret: OLD_SECRET }) },
    { label: "swapped alg HS512", token: await signToken(user, { alg: "HS512" }) },
    { label: "swapped alg RS256", token: await signToken(user, { signWith: "rsa" }) },
    { label: "typ JWT", token: await signToken(user, { typ: "JWT" }) },
    {
      label: "typ at+jwt (not checked by either)",
      token: await signToken(user, { typ: "at+jwt" }),
    },
  ];
  const valid = cases[0]!.token;
  const [h, p, s] = valid.split(".");
  const forgedPayload = Buffer.from(
    JSON.stringify({ user: { id: 2 }, expires, exp: NOW + 60 }),
  ).toString("base64url");
  cases.push(
    { label: "tampered payload", token: `${h}.${forgedPayload}.${s}` },
    { label: "tampered signature", token: `${h}.${p}.${s!.slice(0, -2)}AA` },
    { label: "alg none", token: `${Buffer.from('{"alg":"none"}').toString("base64url")}.${p}.` },
    { label: "not a JWT", token: "hello" },
  );
  return cases.map((c) => ({ ...c, cookie: `other=1; session=${c.token}` }));
}

async function accepts(source: CredentialSource, cookie: string): Promise<SourceOutcome> {
  return source.read(request(cookie));
}

describe("signedCookie agrees with saas-starter's jwtVerify", () => {
  it("accepts exactly what jose accepts, with one secret and with a rotation list", async () => {
    const cases = await corpus();
    for (const secrets of [[SECRET], [SECRET, OLD_SECRET]]) {
      const source = signedCookie({ secret: secrets, cache: false });
      const disagreements: string[] = [];
      let accepted = 0;
      for (const c of cases) {
        const expected = await saasStarterVerify(c.token, secrets);
        const outcome = await accepts(source, c.cookie);
        if (expected) accepted++;
        if ((expected !== null) !== (outcome.status === "ok")) {
          disagreements.push(
            `${c.label}: jose ${expected ? "accepts" : "refuses"}, kit ${outcome.status}`,
          );
        }
        if (expected === null) expect(outcome.status).toBe("invalid");
      }
      expect(disagreements).toEqual([]);
      expect(accepted).toBeGreaterThanOrEqual(5);
    }
  });

  it('maps saas-starter\'s numeric user id to sub "1"', async () => {
    const outcome = await accepts(
      signedCookie({ secret: SECRET }),
      `session=${await signToken(user)}`,
    );
    expect(outcome).toMatchObject({
      status: "ok",
      auth: { claims: { sub: "1" }, kind: "user", credential: "session", source: "signed-cookie" },
    });
  });

  it("serves a repeat from the cache only under the same secrets, and never past exp", async () => {
    const token = await signToken(user, { exp: NOW + 10 });
    const source = signedCookie({ secret: () => process.env.TEST_SIGNED_SECRET });
    process.env.TEST_SIGNED_SECRET = SECRET;
    expect((await accepts(source, `session=${token}`)).status).toBe("ok");
    expect((await accepts(source, `session=${token}`)).status).toBe("ok");
    process.env.TEST_SIGNED_SECRET = "y".repeat(40);
    expect((await accepts(source, `session=${token}`)).status).toBe("invalid");
    process.env.TEST_SIGNED_SECRET = SECRET;
    vi.setSystemTime((NOW + 10) * 1000);
    expect((await accepts(source, `session=${token}`)).status).toBe("invalid");
    delete process.env.TEST_SIGNED_SECRET;
    await expect(accepts(source, `session=${token}`)).rejects.toThrow(/no secret/);
  });
});

describe("signedCookie where it deliberately differs", () => {
  it("refuses a token without exp by default (jose accepts it), accepts it with requireExp: false", async () => {
    const token = await signToken(user, { exp: null });
    expect(await saasStarterVerify(token, [SECRET])).not.toBeNull();
    expect((await accepts(signedCookie({ secret: SECRET }), `session=${token}`)).status).toBe(
      "invalid",
    );
    expect(
      (await accepts(signedCookie({ secret: SECRET, requireExp: false }), `session=${token}`))
        .status,
    ).toBe("ok");
  });

  it("refuses an oversized cookie that jose would verify", async () => {
    const token = await signToken({ ...user, pad: "x".repeat(20_000) });
    expect(await saasStarterVerify(token, [SECRET])).not.toBeNull();
    expect((await accepts(signedCookie({ secret: SECRET }), `session=${token}`)).status).toBe(
      "invalid",
    );
  });

  it("answers none without the cookie, and none for a signed session that holds no user", async () => {
    const source = signedCookie({ secret: SECRET });
    expect(await accepts(source, "other=1")).toEqual({ status: "none" });
    expect(await accepts(source, `session=${await signToken({ cart: [1] })}`)).toEqual({
      status: "none",
    });
  });

  it("refuses a mapped id that is not a usable string or integer", async () => {
    const source = signedCookie({ secret: SECRET });
    for (const id of [1.5, "", true, -0.1, 2 ** 60, { id: 1 }]) {
      const outcome = await accepts(
        source,
        `session=${await signToken({ user: { id }, expires })}`,
      );
      expect(outcome.status).toBe("invalid");
    }
  });
});

describe("signedCookie with asymmetric keys and a custom mapping", () => {
  it("verifies ES256 cookies against fixed keys and maps claims through toClaims", async () => {
    const jwk = ec.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
    const source = signedCookie({
      keys: [await importJwsKey(jwk, "ES256")],
      toClaims: (p) => ({
        sub: p.uid,
        role: p.admin === true ? "admin" : "member",
        tenant: p.team,
      }),
    });
    const token = await new SignJWT({ uid: 42, admin: true, team: "acme" })
      .setProtectedHeader({ alg: "ES256" })
      .setExpirationTime(NOW + 60)
      .sign(ec.privateKey);
    expect(await accepts(source, `session=${token}`)).toMatchObject({
      status: "ok",
      auth: { claims: { sub: "42", role: "admin", tenant: "acme" }, expiresAt: NOW + 60 },
    });
    // An HS256 token with the public key's bytes as secret never passes an asymmetric source.
    const pem = ec.publicKey.export({ format: "pem", type: "spki" }).toString();
    const confused = await new SignJWT({ uid: 1 })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(NOW + 60)
      .sign(key(pem));
    expect((await accepts(source, `session=${confused}`)).status).toBe("invalid");
  });

  it("checks its options at definition", () => {
    expectConfigError(() => signedCookie({}), "invalid_session_options");
    expectConfigError(() => signedCookie({ secret: SECRET, keys: [] }), "invalid_session_options");
    expectConfigError(() => signedCookie({ secret: "" }), "invalid_session_options");
    expectConfigError(
      () => signedCookie({ secret: SECRET, algorithms: ["RS256"] }),
      "invalid_session_options",
    );
    expectConfigError(
      () => signedCookie({ keys: [], algorithms: ["HS256"] }),
      "invalid_session_options",
    );
    expectConfigError(
      () => signedCookie({ secret: SECRET, cookieName: "a b" }),
      "invalid_session_options",
    );
    expectConfigError(
      () => signedCookie({ secret: SECRET, clockToleranceSec: -1 }),
      "invalid_session_options",
    );
  });

  it("default mapping reads sub, userId or user.id and only the kit's fields", () => {
    expect(defaultSignedCookieClaims({ userId: "u", expiresAt: "x" })).toEqual({ sub: "u" });
    expect(defaultSignedCookieClaims({ sub: "s", role: "admin", secret: "no" })).toEqual({
      sub: "s",
      role: "admin",
    });
    expect(defaultSignedCookieClaims({ user: { id: 7, email: "a@b.c", password: "x" } })).toEqual({
      sub: "7",
      email: "a@b.c",
    });
    expect(defaultSignedCookieClaims({ user: { id: 2 ** 60 } })).toEqual({ sub: 2 ** 60 });
    expect(defaultSignedCookieClaims({ cart: [] })).toBeNull();
  });
});
