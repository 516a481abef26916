/**
 * clerkSession against Clerk's own verifier: every token of a generated corpus is read by the kit
 * from a `__session` cookie and by `verifyToken(token, { jwtKey: pem, authorizedParties })` from
 * @clerk/backend with a local PEM (no network), followed by what Clerk's auth object does with the
 * claims (`sts: "pending"` is signed out; @clerk/shared's JWT payload parser for the org). The
 * accept sets must be equal and the org role and permissions the same. Tokens are signed by jose
 * with a local RSA key, with Clerk's v1 and v2 claim sets; deliberate differences are apart.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SignJWT } from "jose";
import { verifyToken } from "@clerk/backend";
import { __experimental_JWTPayloadToAuthObjectProperties as toAuthObject } from "@clerk/shared/jwtPayloadParser";
import { clerkSession, defaultClerkClaims } from "../../lib/authz/session/clerk";
import type { SourceOutcome } from "../../lib/authz/session/credential";
import { expectConfigError } from "../support/config-error";

const NOW = 1_800_000_000;
const APP = "https://app.example.com";
const OTHER_APP = "https://evil.example.com";
const ISSUER = "https://clerk.app.example.com";

const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rotated = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ecKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
const PEM = keys.publicKey.export({ format: "pem", type: "spki" }).toString();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW * 1000);
});
afterEach(() => vi.useRealTimers());

const v1 = (extra: Record<string, unknown> = {}) => ({
  azp: APP,
  exp: NOW + 60,
  iat: NOW - 1,
  nbf: NOW - 11,
  iss: ISSUER,
  sid: "sess_1",
  sub: "user_1",
  ...extra,
});
const v2 = (extra: Record<string, unknown> = {}) =>
  v1({ v: 2, fva: [3, -1], sts: "active", ...extra });

async function sign(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
  key: KeyObject = keys.privateKey,
  alg = "RS256",
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg, kid: "ins_1", typ: "JWT", ...header })
    .sign(key);
}

interface Verdict {
  ok: boolean;
  orgRole?: string;
  orgId?: string;
  orgPermissions?: readonly string[];
}

/** Clerk: verifyToken, then the auth object (pending = signed out; org decoding may throw). */
async function clerkVerdict(token: string, authorizedParties = [APP]): Promise<Verdict> {
  let payload: Record<string, unknown>;
  try {
    // The public verifyToken throws on any failure and resolves to the payload.
    payload = (await verifyToken(token, { jwtKey: PEM, authorizedParties })) as Record<
      string,
      unknown
    >;
  } catch {
    return { ok: false };
  }
  try {
    const auth = toAuthObject(payload as never) as {
      sessionStatus: string | null;
      orgId?: string;
      orgRole?: string;
      orgPermissions?: string[];
    };
    if (auth.sessionStatus === "pending") return { ok: false };
    return {
      ok: true,
      ...(auth.orgId ? { orgId: auth.orgId } : {}),
      ...(auth.orgRole ? { orgRole: auth.orgRole } : {}),
      ...(auth.orgPermissions?.length ? { orgPermissions: auth.orgPermissions } : {}),
    };
  } catch {
    return { ok: false };
  }
}

function kitVerdict(outcome: SourceOutcome): Verdict {
  if (outcome.status !== "ok") return { ok: false };
  const claims = outcome.auth.claims as Record<string, unknown>;
  const orgs = claims.orgs as Record<string, string> | undefined;
  const orgId = claims.tenant as string | undefined;
  const perms = claims.orgPermissions as string[] | undefined;
  return {
    ok: true,
    ...(orgId ? { orgId } : {}),
    ...(orgId && orgs?.[orgId] ? { orgRole: `org:${orgs[orgId]}` } : {}),
    ...(perms?.length ? { orgPermissions: perms } : {}),
  };
}

const source = (extra: Partial<Parameters<typeof clerkSession>[0]> = {}) =>
  clerkSession({ jwtKey: PEM, authorizedParties: [APP], cache: false, ...extra });

const read = (token: string, s = source()) =>
  s.read(
    new Request(`${APP}/dashboard`, { headers: { cookie: `__client_uat=1; __session=${token}` } }),
  );

async function corpus(): Promise<{ label: string; token: string }[]> {
  const cases: { label: string; token: string }[] = [];
  const add = async (label: string, token: Promise<string> | string) =>
    cases.push({ label, token: await token });
  for (const [name, claims] of [
    ["v1", v1],
    ["v2", v2],
  ] as const) {
    await add(`${name} valid`, sign(claims()));
    await add(`${name} exp = now - 5 (the skew)`, sign(claims({ exp: NOW - 5 })));
    await add(`${name} exp = now - 4`, sign(claims({ exp: NOW - 4 })));
    await add(`${name} exp = now - 6`, sign(claims({ exp: NOW - 6 })));
    await add(`${name} exp missing`, sign(claims({ exp: undefined })));
    await add(`${name} exp a string`, sign(claims({ exp: String(NOW + 60) })));
    await add(`${name} nbf = now + 5`, sign(claims({ nbf: NOW + 5 })));
    await add(`${name} nbf = now + 6`, sign(claims({ nbf: NOW + 6 })));
    await add(`${name} iat = now + 5`, sign(claims({ iat: NOW + 5 })));
    await add(`${name} iat = now + 6 (future)`, sign(claims({ iat: NOW + 6 })));
    await add(`${name} iat a string`, sign(claims({ iat: "x" })));
    await add(`${name} sub missing`, sign(claims({ sub: undefined })));
    await add(`${name} sub a number`, sign(claims({ sub: 42 })));
    await add(`${name} azp missing`, sign(claims({ azp: undefined })));
    await add(`${name} azp another app`, sign(claims({ azp: OTHER_APP })));
    await add(`${name} aud present (not checked)`, sign(claims({ aud: "anything" })));
    await add(`${name} other issuer (not pinned)`, sign(claims({ iss: "https://other.example" })));
    await add(
      `${name} wrong key`,
      sign(claims(), {}, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey),
    );
    await add(`${name} rotated key`, sign(claims(), { kid: "ins_2" }, rotated.privateKey));
    await add(`${name} swapped alg ES256`, sign(claims(), {}, ecKeys.privateKey, "ES256"));
    await add(`${name} typ at+jwt`, sign(claims(), { typ: "at+jwt" }));
    await add(`${name} typ jwt (lower case)`, sign(claims(), { typ: "jwt" }));
    await add(`${name} typ absent`, sign(claims(), { typ: undefined }));
    await add(`${name} M2M category`, sign(claims(), { cat: "cl_B7d4PD333AAA" }));
    await add(`${name} other category`, sign(claims(), { cat: "cl_session" }));
    const valid = await sign(claims());
    const [h, , s] = valid.split(".");
    await add(
      `${name} tampered payload`,
      `${h}.${Buffer.from(JSON.stringify(claims({ sub: "user_admin" }))).toString("base64url")}.${s}`,
    );
    await add(`${name} tampered signature`, `${valid.slice(0, -4)}AAAA`);
    await add(
      `${name} alg none`,
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${valid.split(".")[1]}.`,
    );
    await add(
      `${name} alg HS256 with the PEM as secret`,
      sign(claims(), {}, undefined as never, "HS256").catch(() => "x.y.z"),
    );
  }
  // HS/RS confusion forged by hand: HMAC over the token with the PEM as the secret.
  const { createHmac } = await import("node:crypto");
  const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify(v2())).toString("base64url")}`;
  await add(
    "HS256 signed with the PEM",
    `${input}.${createHmac("sha256", PEM).update(input).digest("base64url")}`,
  );
  // v1 orgs
  await add(
    "v1 org admin",
    sign(
      v1({
        org_id: "org_1",
        org_role: "org:admin",
        org_slug: "acme",
        org_permissions: ["org:sys_memberships:manage"],
      }),
    ),
  );
  // v2 orgs, sessions and step-up
  await add("v2 org member", sign(v2({ o: { id: "org_2", rol: "member", slg: "globex" } })));
  await add(
    "v2 org with feature permissions",
    sign(
      v2({
        fea: "o:dashboard,o:teams,u:profile",
        o: { id: "org_3", rol: "admin", per: "manage,read", fpm: "3,2" },
      }),
    ),
  );
  await add(
    "v2 fea without a colon",
    sign(v2({ fea: "dashboard", o: { id: "org_4", rol: "admin", per: "read", fpm: "1" } })),
  );
  await add(
    "RS384 (the PEM is loaded as an RS256 key by Clerk too)",
    sign(v2(), {}, keys.privateKey, "RS384"),
  );
  await add("RS512", sign(v2(), {}, keys.privateKey, "RS512"));
  await add("v2 pending session", sign(v2({ sts: "pending" })));
  await add("v2 impersonated", sign(v2({ act: { sub: "user_admin" } })));
  await add("oversized within limits", sign(v2({ pad: "x".repeat(3000) })));
  return cases;
}

describe("clerkSession agrees with @clerk/backend verifyToken (local PEM)", () => {
  it("has the same accept set, org ids, org roles and permissions", async () => {
    const cases = await corpus();
    const s = source();
    const disagreements: string[] = [];
    let accepted = 0;
    for (const c of cases) {
      const [expected, actual] = [await clerkVerdict(c.token), kitVerdict(await read(c.token, s))];
      if (expected.ok) accepted++;
      if (JSON.stringify(expected) !== JSON.stringify(actual)) {
        disagreements.push(
          `${c.label}: clerk ${JSON.stringify(expected)}, kit ${JSON.stringify(actual)}`,
        );
      }
    }
    expect(disagreements).toEqual([]);
    expect(cases.length).toBeGreaterThan(60);
    expect(accepted).toBeGreaterThan(15);
    expect(cases.length - accepted).toBeGreaterThan(30);
  });

  it("agrees on azp with several authorized parties", async () => {
    const token = await sign(v2({ azp: "https://admin.example.com" }));
    const parties = [APP, "https://admin.example.com"];
    expect((await clerkVerdict(token, parties)).ok).toBe(true);
    expect((await read(token, source({ authorizedParties: parties }))).status).toBe("ok");
    expect((await clerkVerdict(token)).ok).toBe(false);
    expect((await read(token)).status).toBe("invalid");
  });
});

describe("clerkSession outcomes and mapping", () => {
  it("maps org:admin to the kit's membership and dates the sign-in from fva", async () => {
    const outcome = await read(await sign(v2({ o: { id: "org_1", rol: "admin", slg: "acme" } })));
    expect(outcome).toMatchObject({
      status: "ok",
      auth: {
        claims: { sub: "user_1", tenant: "org_1", orgs: { org_1: "admin" }, orgSlug: "acme" },
        sessionId: "sess_1",
        expiresAt: NOW + 60,
        authTime: NOW - 1 - 3 * 60,
        source: "clerk",
      },
    });
    expect(
      (outcome as { auth: { claims: Record<string, unknown> } }).auth.claims.role,
    ).toBeUndefined();
  });

  it("answers none for a pending session (signed out) unless acceptPending", async () => {
    const token = await sign(v2({ sts: "pending" }));
    expect(await read(token)).toEqual({ status: "none" });
    expect((await read(token, source({ acceptPending: true }))).status).toBe("ok");
  });

  it("answers none without a cookie and reads a suffixed cookie name when configured", async () => {
    expect(await source().read(new Request(APP))).toEqual({ status: "none" });
    const token = await sign(v2());
    const suffixed = clerkSession({
      jwtKey: PEM,
      authorizedParties: [APP],
      cookieName: "__session_Ab12Cd34",
    });
    const request = new Request(APP, { headers: { cookie: `__session_Ab12Cd34=${token}` } });
    expect((await suffixed.read(request)).status).toBe("ok");
  });

  it("pins the issuer when given one", async () => {
    const token = await sign(v2());
    expect((await read(token, source({ issuer: ISSUER }))).status).toBe("ok");
    expect((await read(token, source({ issuer: "https://clerk.other.example" }))).status).toBe(
      "invalid",
    );
  });

  it("keeps custom template fields of the kit's vocabulary, and nothing raw", () => {
    expect(
      defaultClerkClaims({
        sub: "u",
        role: "admin",
        email: "a@b.c",
        org_role: "org:member",
        org_id: "o",
      }),
    ).toEqual({
      sub: "u",
      role: "admin",
      email: "a@b.c",
      tenant: "o",
      orgs: { o: "member" },
    });
  });

  it("refuses to be defined without authorized parties or a key", () => {
    expectConfigError(
      () => clerkSession({ jwtKey: PEM, authorizedParties: [] }),
      "invalid_session_options",
    );
    expectConfigError(
      () => clerkSession({ jwtKey: PEM } as unknown as Parameters<typeof clerkSession>[0]),
      "invalid_session_options",
    );
    expectConfigError(
      () => clerkSession({ jwtKey: PEM, authorizedParties: ["app.example.com"] }),
      "invalid_session_options",
    );
    expectConfigError(
      () => clerkSession({ jwtKey: PEM, authorizedParties: [`${APP}/`] }),
      "invalid_session_options",
    );
    expectConfigError(() => clerkSession({ authorizedParties: [APP] }), "invalid_session_options");
    expectConfigError(
      () => clerkSession({ jwtKey: "secret", authorizedParties: [APP] }),
      "invalid_session_options",
    );
  });
});

describe("clerkSession where it deliberately differs from verifyToken", () => {
  it("refuses an empty sub (Clerk only asks for a string)", async () => {
    const token = await sign(v2({ sub: "" }));
    expect((await clerkVerdict(token)).ok).toBe(true);
    expect((await read(token)).status).toBe("invalid");
  });

  it("refuses a cookie over maxTokenBytes", async () => {
    const token = await sign(v2({ pad: "x".repeat(20_000) }));
    expect((await clerkVerdict(token)).ok).toBe(true);
    expect((await read(token)).status).toBe("invalid");
  });
});

describe("clerkSession with the Frontend API's JWKS instead of a PEM", () => {
  it("verifies against a real key server and picks up a rotated key", async () => {
    const { createServer } = await import("node:http");
    const { exportJWK } = await import("jose");
    const { clearJwksCaches } = await import("../../lib/authz/session/jwks");
    vi.useRealTimers();
    clearJwksCaches();
    let set = [{ ...(await exportJWK(keys.publicKey)), kid: "ins_1", alg: "RS256", use: "sig" }];
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: set }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const s = clerkSession({
        jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        authorizedParties: [APP],
        cache: false,
      });
      const now = Math.floor(Date.now() / 1000);
      const at = (extra: Record<string, unknown>) => ({
        ...v2(),
        iat: now,
        nbf: now,
        exp: now + 60,
        ...extra,
      });
      expect((await read(await sign(at({})), s)).status).toBe("ok");
      set = [
        ...set,
        { ...(await exportJWK(rotated.publicKey)), kid: "ins_2", alg: "RS256", use: "sig" },
      ];
      // The cooldown (30 s) has not passed since the first fetch: a new kid is refused until it has.
      const rotatedToken = await sign(at({}), { kid: "ins_2" }, rotated.privateKey);
      expect((await read(rotatedToken, s)).status).toBe("invalid");
      clearJwksCaches();
      expect((await read(rotatedToken, s)).status).toBe("ok");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
