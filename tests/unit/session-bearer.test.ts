/**
 * bearerTokenSource against jose's `jwtVerify` as the oracle: a corpus of RFC 9068 access tokens
 * signed by keys generated here and served as a JWKS over real HTTP (127.0.0.1). The source's
 * accept set must equal jose's under the same issuer, audience, `typ`, algorithms, required
 * claims and clock tolerance. Then what jose does not decide: the Authorization header's syntax,
 * who `sub` is (the app's accounts, never the token), client-credentials machines, scopes,
 * `auth_time`, and a key rotated in mid-test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalJWKSet, jwtVerify, SignJWT } from "jose";
import { bearerToken, bearerTokenSource } from "@/lib/authz/session/bearer";
import { clearJwksCaches } from "@/lib/authz/session/jwks";
import type { SessionClaims } from "@/lib/authz/session/source";
import { expectConfigError } from "../support/config-error";
import { accessClaims, startTestIssuer, type TestIssuer } from "../support/oidc-issuer";

const AUDIENCE = "https://api.example.test";
const T = 1_900_000_000; // pinned "now", Unix seconds
const TOLERANCE = 30;

const accounts: Readonly<Record<string, SessionClaims>> = {
  "user-alice": { sub: "user-alice", role: "admin", tenant: "acme", plan: "pro" },
  "user-carol": { sub: "user-carol", role: "member", tenant: "globex", plan: "pro" },
};
const users = (id: string) => accounts[id] ?? null;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer(["ES256", "RS256", "EdDSA"]);
});
afterAll(async () => {
  await issuer.stop();
  clearJwksCaches();
});

const request = (authorization?: string | string[]) => {
  const headers = new Headers();
  for (const value of [authorization ?? []].flat()) headers.append("authorization", value);
  return new Request("https://api.example.test/api/me", { headers });
};

function source(extra: Partial<Parameters<typeof bearerTokenSource>[0]> = {}) {
  return bearerTokenSource({
    issuer: issuer.issuer,
    audience: AUDIENCE,
    jwks: issuer.jwksUrl,
    users,
    clockToleranceSec: TOLERANCE,
    now: () => T * 1000,
    ...extra,
  });
}

async function oracle(token: string): Promise<boolean> {
  try {
    await jwtVerify(token, createLocalJWKSet({ keys: issuer.keys.map((k) => k.jwk) }), {
      issuer: issuer.issuer,
      audience: AUDIENCE,
      typ: "at+jwt",
      algorithms: ["RS256", "ES256", "EdDSA"],
      requiredClaims: ["exp", "iat", "sub", "client_id"],
      clockTolerance: TOLERANCE,
      currentDate: new Date(T * 1000),
    });
    return true;
  } catch {
    return false;
  }
}

const claims = (overrides: Record<string, unknown> = {}) =>
  accessClaims(issuer, AUDIENCE, overrides, T);

describe("bearerTokenSource: accept set equals jose jwtVerify's", () => {
  it("agrees on every case of the corpus", async () => {
    const hs256 = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: issuer.keys[0]!.kid })
      .sign(new TextEncoder().encode("a-shared-secret-that-is-long-enough-32"));
    const forger = await issuer.unpublishedKey("ES256");
    const valid = await issuer.sign(claims());
    const [h, , s] = valid.split(".");
    const otherPayload = (await issuer.sign(claims({ sub: "user-carol" }))).split(".")[1];
    const noneToken = `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${valid.split(".")[1]}.`;
    const drop = (key: string) => {
      const c = claims();
      delete c[key];
      return c;
    };

    const corpus: Record<string, string> = {
      "valid ES256": valid,
      "valid RS256": await issuer.sign(claims(), { alg: "RS256" }),
      "valid EdDSA": await issuer.sign(claims(), { alg: "EdDSA" }),
      "typ application/at+jwt": await issuer.sign(claims(), { typ: "application/at+jwt" }),
      "typ JWT (an ID token)": await issuer.sign(claims(), { typ: "JWT" }),
      "typ absent": await issuer.sign(claims(), { typ: null }),
      "exp one second inside the tolerance": await issuer.sign(claims({ exp: T - TOLERANCE + 1 })),
      "exp at the tolerance": await issuer.sign(claims({ exp: T - TOLERANCE })),
      "exp past the tolerance": await issuer.sign(claims({ exp: T - TOLERANCE - 60 })),
      "nbf at the tolerance": await issuer.sign(claims({ nbf: T + TOLERANCE })),
      "nbf past the tolerance": await issuer.sign(claims({ nbf: T + TOLERANCE + 1 })),
      "iss of another issuer": await issuer.sign(claims({ iss: "https://evil.example" })),
      "aud of another resource": await issuer.sign(claims({ aud: "https://other.example" })),
      "aud list with ours": await issuer.sign(claims({ aud: ["https://x.example", AUDIENCE] })),
      "no client_id": await issuer.sign(drop("client_id")),
      "no iat": await issuer.sign(drop("iat")),
      "no exp": await issuer.sign(drop("exp")),
      "no sub": await issuer.sign(drop("sub")),
      "HS256 keyed by a secret": hs256,
      "alg none": noneToken,
      "signed by an unpublished key under a published kid": await issuer.sign(claims(), {
        key: forger,
        kid: issuer.keys[0]!.kid,
      }),
      "payload swapped under a valid signature": `${h}.${otherPayload}.${s}`,
      "signature cut": `${h}.${valid.split(".")[1]}.`,
      "not a JWT": "not-a-jwt",
      "two segments": `${h}.${valid.split(".")[1]}`,
    };

    const bearer = source({ jwksOptions: { cooldownSec: 0 } });
    const disagreements: string[] = [];
    let accepted = 0;
    for (const [name, token] of Object.entries(corpus)) {
      const expected = await oracle(token);
      const outcome = await bearer.read(request(`Bearer ${token}`));
      const got = outcome.status === "ok";
      if (got) accepted++;
      if (got !== expected) disagreements.push(`${name}: kit ${got}, jose ${expected}`);
      if (!got) expect(outcome, name).toMatchObject({ status: "invalid" });
    }
    expect(disagreements).toEqual([]);
    expect(accepted).toBe(7); // the corpus has both sides
  });

  it("refuses a token larger than 16 KiB (jose has no bound; the kit does, before any crypto)", async () => {
    const big = await issuer.sign(claims({ padding: "x".repeat(17_000) }));
    expect(await oracle(big)).toBe(true);
    expect(await source().read(request(`Bearer ${big}`))).toMatchObject({
      status: "invalid",
      error: "invalid_token",
    });
  });
});

describe("bearerTokenSource: what the token cannot say", () => {
  it("takes who the user is from the accounts, never from the token's claims", async () => {
    const token = await issuer.sign(
      claims({ sub: "user-carol", role: "admin", tenant: "acme", plan: "free", scope: "a b" }),
    );
    const outcome = await source().read(request(`Bearer ${token}`));
    expect(outcome).toMatchObject({
      status: "ok",
      auth: {
        claims: { sub: "user-carol", role: "member", tenant: "globex", plan: "pro" },
        kind: "user",
        credential: "bearer",
        scopes: ["a", "b"],
        label: "console-cli",
        expiresAt: T + 300,
      },
    });
  });

  it("refuses a valid token for a user the app does not know", async () => {
    const token = await issuer.sign(claims({ sub: "user-mallory" }));
    expect(await oracle(token)).toBe(true);
    expect(await source().read(request(`Bearer ${token}`))).toMatchObject({
      status: "invalid",
      error: "invalid_token",
    });
  });

  it("a client-credentials token (sub = client_id) is a machine only when clients knows it", async () => {
    const token = await issuer.sign(claims({ sub: "batch-job", client_id: "batch-job" }));
    expect(await source().read(request(`Bearer ${token}`))).toMatchObject({ status: "invalid" });
    const clients = (id: string) => (id === "batch-job" ? { sub: id, tenant: "acme" } : null);
    expect(await source({ clients }).read(request(`Bearer ${token}`))).toMatchObject({
      status: "ok",
      auth: { kind: "machine", claims: { sub: "batch-job", tenant: "acme" } },
    });
  });

  it("reports auth_time, acr and amr for fresh sign-in rules; absent stays absent", async () => {
    const withTime = await issuer.sign(claims({ auth_time: T - 100, acr: "mfa", amr: ["pwd"] }));
    const read = await source().read(request(`Bearer ${withTime}`));
    expect(read).toMatchObject({ auth: { authTime: T - 100, acr: "mfa", amr: ["pwd"] } });
    const without = await source().read(request(`Bearer ${await issuer.sign(claims())}`));
    expect(without.status === "ok" && without.auth.authTime).toBeUndefined();
  });

  it("parses the Authorization header as RFC 6750 §2.1 says", async () => {
    const token = await issuer.sign(claims());
    expect(bearerToken(request())).toEqual({ status: "absent" });
    expect(bearerToken(request("Basic dXNlcjpwYXNz"))).toEqual({ status: "absent" });
    expect(bearerToken(request(`bearer ${token}`))).toEqual({ status: "bearer", token });
    for (const bad of ["Bearer", "Bearer ", `Bearer ${token} ${token}`, "Bearer a,b", "Bearer ä"])
      expect(bearerToken(request(bad)), bad).toEqual({ status: "malformed" });
    // Two headers, however they combine, are one ambiguous request.
    expect(bearerToken(request([`Bearer ${token}`, `Bearer ${token}`]))).toEqual({
      status: "malformed",
    });
    expect(bearerToken(request(["Basic dXNlcjpwYXNz", `Bearer ${token}`]))).toEqual({
      status: "malformed",
    });
    expect(await source().read(request("Bearer"))).toEqual({
      status: "invalid",
      error: "invalid_request",
    });
    expect(await source().read(request("Basic dXNlcjpwYXNz"))).toEqual({ status: "none" });
  });

  it("picks up a key rotated in mid-test over HTTP, and keeps refusing a forger", async () => {
    clearJwksCaches();
    let clock = T * 1000;
    const bearer = source({ now: () => clock, jwksOptions: { now: () => clock } });
    const before = issuer.hits;
    expect((await bearer.read(request(`Bearer ${await issuer.sign(claims())}`))).status).toBe("ok");
    expect(issuer.hits).toBe(before + 1);

    const rotated = await issuer.rotate("ES256");
    clock += 31_000;
    const fresh = await issuer.sign(accessClaims(issuer, AUDIENCE, {}, T + 31), { key: rotated });
    expect((await bearer.read(request(`Bearer ${fresh}`))).status).toBe("ok");
    expect(issuer.hits).toBe(before + 2);

    const forger = await issuer.unpublishedKey("ES256");
    const forged = await issuer.sign(accessClaims(issuer, AUDIENCE, {}, T + 31), { key: forger });
    expect(await bearer.read(request(`Bearer ${forged}`))).toMatchObject({ status: "invalid" });
    expect(issuer.hits).toBe(before + 2); // within the cooldown: no fetch for an unknown kid
  });

  it("checks its options once, at definition", () => {
    const base = { issuer: "https://i", audience: "a", jwks: "https://i/jwks", users };
    expectConfigError(() => bearerTokenSource({ ...base, issuer: "" }), "invalid_bearer_options");
    expectConfigError(() => bearerTokenSource({ ...base, audience: [] }), "invalid_bearer_options");
    expectConfigError(
      () => bearerTokenSource({ ...base, algorithms: ["HS256" as "RS256"] }),
      "invalid_bearer_options",
    );
    expectConfigError(
      () => bearerTokenSource({ ...base, clockToleranceSec: 3600 }),
      "invalid_bearer_options",
    );
    expectConfigError(
      () => bearerTokenSource({ ...base, users: undefined as never }),
      "invalid_bearer_options",
    );
  });
});
