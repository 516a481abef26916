/**
 * supabaseSession against Supabase's own reader: the cookies of every case are written by
 * @supabase/ssr itself (`createServerClient` with an in-memory cookie jar, `auth.setSession`), so
 * they carry the real `base64-` encoding and chunking; then a fresh client reads them with
 * `auth.getClaims(undefined, { jwks: { keys } })` and the kit reads the same `Cookie` header. The
 * accept sets (and subjects) must be equal. No network: the client's fetch is a stub that plays the
 * Auth server (`/user` verifies the token as GoTrue would, the JWKS answers the current key set,
 * refreshes fail). Two projects: asymmetric signing keys, and the legacy HS256 secret. Deliberate
 * differences (anon/service_role tokens, `aud`, `nbf`, size) are apart and assert the kit refuses.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SignJWT, exportJWK, jwtVerify, createLocalJWKSet, type JWK } from "jose";
import { createServerClient } from "@supabase/ssr";
import { supabaseSession } from "../../lib/authz/session/supabase";
import { clearJwksCaches } from "../../lib/authz/session/jwks";
import { expectConfigError } from "../support/config-error";

const NOW = 1_800_000_000;
const URL_ = "https://abcdefgh.supabase.co";
const COOKIE = "sb-abcdefgh-auth-token";
// The legacy project has its own ref: auth-js caches key sets per storage key across clients.
const LEGACY_URL = "https://legacyhs.supabase.co";
const HS_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

const ec1 = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ec2 = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ecWrong = generateKeyPairSync("ec", { namedCurve: "P-256" });
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });

const publicJwk = async (key: KeyObject, kid: string, alg: string): Promise<JWK> => ({
  ...(await exportJWK(key)),
  kid,
  alg,
  use: "sig",
});

interface Project {
  name: string;
  url: string;
  cookie: string;
  /** The key set the Auth server publishes now. */
  jwks: () => Promise<JWK[]>;
  /** Keys the app hands to getClaims (the set it last knew). */
  knownKeys: () => Promise<JWK[]>;
  hsSecret: string | null;
}

const ASYMMETRIC: Project = {
  name: "asymmetric keys",
  url: URL_,
  cookie: COOKIE,
  jwks: async () => [
    await publicJwk(ec2.publicKey, "k2", "ES256"),
    await publicJwk(ec1.publicKey, "k1", "ES256"),
    await publicJwk(rsa.publicKey, "r1", "RS256"),
  ],
  knownKeys: async () => [
    await publicJwk(ec1.publicKey, "k1", "ES256"),
    await publicJwk(rsa.publicKey, "r1", "RS256"),
  ],
  hsSecret: null,
};
const LEGACY: Project = {
  name: "legacy HS256 secret",
  url: LEGACY_URL,
  cookie: "sb-legacyhs-auth-token",
  jwks: async () => [],
  knownKeys: async () => [],
  hsSecret: HS_SECRET,
};

type Jar = { name: string; value: string }[];

/** The Auth server as a fetch: /user verifies like GoTrue, the JWKS answers, refreshes fail. */
function authServer(project: Project, state: { writing: boolean }): typeof fetch {
  return async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.includes("/.well-known/jwks.json"))
      return Response.json({ keys: await project.jwks() });
    if (url.includes("/auth/v1/user")) {
      if (state.writing) return Response.json({ id: "writer", aud: "authenticated" });
      return Response.json({ code: 403, msg: "bad_jwt" }, { status: 403 });
    }
    return Response.json(
      { error: "invalid_grant", error_description: "no refresh here" },
      { status: 400 },
    );
  };
}

class NoSocket {
  constructor() {
    throw new Error("realtime is not used in these tests");
  }
}

function client(project: Project, jar: { cookies: Jar }, state: { writing: boolean }) {
  return createServerClient(project.url, "anon-key", {
    cookies: {
      getAll: () => jar.cookies,
      setAll: (list) => {
        for (const c of list) {
          jar.cookies = jar.cookies.filter((x) => x.name !== c.name);
          if (c.value) jar.cookies.push({ name: c.name, value: c.value });
        }
      },
    },
    global: { fetch: authServer(project, state) },
    realtime: { transport: NoSocket as never },
  });
}

/** The cookies @supabase/ssr writes for this access token (written while it is still valid). */
async function writeCookies(project: Project, token: string, writeAt: number): Promise<Jar> {
  const jar = { cookies: [] as Jar };
  vi.setSystemTime(writeAt * 1000);
  const { error } = await client(project, jar, { writing: true }).auth.setSession({
    access_token: token,
    refresh_token: "refresh-1",
  });
  vi.setSystemTime(NOW * 1000);
  if (error) throw new Error(`setSession refused the case: ${error.message}`);
  return jar.cookies;
}

/** Supabase's verdict: getClaims from the cookies, with the app's known keys. */
async function supabaseVerdict(project: Project, cookies: Jar): Promise<string | null> {
  const jar = { cookies: [...cookies] };
  try {
    const { data, error } = await client(project, jar, { writing: false }).auth.getClaims(
      undefined,
      { jwks: { keys: (await project.knownKeys()) as never } },
    );
    if (error || !data) return null;
    return String(data.claims.sub);
  } catch {
    return null;
  }
}

/** GoTrue's own check behind /user, for HS256 and kid-less tokens. */
async function serverVerifies(project: Project, token: string): Promise<boolean> {
  try {
    if (project.hsSecret) {
      await jwtVerify(token, new TextEncoder().encode(project.hsSecret), { algorithms: ["HS256"] });
    } else {
      // GoTrue tries its keys; a kid-less token is checked against each.
      let ok = false;
      for (const jwk of await project.jwks()) {
        try {
          await jwtVerify(token, createLocalJWKSet({ keys: [{ ...jwk, kid: undefined }] }), {
            algorithms: ["ES256", "RS256"],
          });
          ok = true;
          break;
        } catch {
          // next key
        }
      }
      return ok;
    }
    return true;
  } catch {
    return false;
  }
}

// The jar holds values as Next's cookies() returns them (decoded); the header carries them encoded.
const header = (cookies: Jar) =>
  cookies.map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join("; ");

function kitSource(project: Project) {
  return supabaseSession({
    url: project.url,
    cache: false,
    ...(project.hsSecret ? { jwtSecret: project.hsSecret, jwksUrl: false as const } : {}),
    fetch: authServer(project, { writing: false }),
  });
}

async function kitVerdict(project: Project, cookies: Jar): Promise<string | null> {
  const outcome = await kitSource(project).read(
    new Request(`${URL_.replace("abcdefgh.supabase.co", "app.example")}/x`, {
      headers: { cookie: header(cookies) },
    }),
  );
  return outcome.status === "ok" ? String(outcome.auth.claims.sub) : null;
}

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: `${URL_}/auth/v1`,
  sub: "9a1b6c3e-0000-4000-8000-000000000001",
  aud: "authenticated",
  role: "authenticated",
  email: "alice@example.com",
  session_id: "s-1",
  aal: "aal1",
  amr: [{ method: "password", timestamp: NOW - 500 }],
  iat: NOW - 600,
  exp: NOW + 3000,
  is_anonymous: false,
  ...extra,
});

async function sign(
  payload: Record<string, unknown>,
  alg: "ES256" | "RS256" | "HS256",
  key: KeyObject | string,
  kid?: string,
  typ = "JWT",
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg, typ, ...(kid ? { kid } : {}) })
    .sign(typeof key === "string" ? new TextEncoder().encode(key) : key);
}

interface Case {
  label: string;
  cookies: Jar;
}

async function corpus(project: Project): Promise<Case[]> {
  const COOKIE = project.cookie;
  const cases: Case[] = [];
  const write = async (label: string, payload: Record<string, unknown>, token: string) => {
    const exp = typeof payload.exp === "number" ? payload.exp : NOW + 3000;
    cases.push({
      label,
      cookies: await writeCookies(project, token, Math.min(NOW - 700, exp - 1000)),
    });
  };
  const main = async (payload: Record<string, unknown>, kid = "k1") =>
    project.hsSecret
      ? sign(payload, "HS256", project.hsSecret, kid === "none" ? undefined : undefined)
      : sign(
          payload,
          "ES256",
          kid === "k2" ? ec2.privateKey : ec1.privateKey,
          kid === "none" ? undefined : kid,
        );

  for (const [label, extra] of [
    ["valid", {}],
    ["expires exactly now", { exp: NOW }],
    ["expired 1 s ago", { exp: NOW - 1 }],
    ["expires in 1 s", { exp: NOW + 1 }],
    ["expires in 60 s (inside auth-js's refresh margin)", { exp: NOW + 60 }],
    ["expired an hour ago", { exp: NOW - 3600 }],
    ["big user_metadata: four chunks", { user_metadata: { bio: "x".repeat(8000) } }],
    ["amr as strings", { amr: ["password", "totp"] }],
    ["anonymous sign-in user", { is_anonymous: true, email: "" }],
  ] as const) {
    const payload = claims(extra);
    await write(label, payload, await main(payload));
  }
  const valid = await main(claims());
  // Neither getClaims nor the kit checks `typ`: an at+jwt and a typ-less token read alike.
  await write(
    "typ at+jwt",
    claims(),
    project.hsSecret
      ? await sign(claims(), "HS256", project.hsSecret, undefined, "at+jwt")
      : await sign(claims(), "ES256", ec1.privateKey, "k1", "at+jwt"),
  );
  const [h, p, s] = valid.split(".");
  const forged = Buffer.from(JSON.stringify(claims({ sub: "someone-else" }))).toString("base64url");
  await write("tampered payload", claims(), `${h}.${forged}.${s}`);
  await write("tampered signature", claims(), `${h}.${p}.${s!.slice(0, -3)}AAA`);
  if (project.hsSecret) {
    await write(
      "wrong secret",
      claims(),
      await sign(claims(), "HS256", "another-secret-of-at-least-32-characters!"),
    );
    await write(
      "swapped alg: ES256 token",
      claims(),
      await sign(claims(), "ES256", ec1.privateKey, "k1"),
    );
  } else {
    await write(
      "wrong key under a known kid",
      claims(),
      await sign(claims(), "ES256", ecWrong.privateKey, "k1"),
    );
    await write("rotated key (k2, not yet known to the app)", claims(), await main(claims(), "k2"));
    await write("unknown kid", claims(), await sign(claims(), "ES256", ecWrong.privateKey, "k9"));
    await write("RS256 key", claims(), await sign(claims(), "RS256", rsa.privateKey, "r1"));
    await write(
      "swapped alg: RS256 header on the EC kid",
      claims(),
      await sign(claims(), "RS256", rsa.privateKey, "k1"),
    );
    await write(
      "no kid (getClaims asks the server)",
      claims(),
      await sign(claims(), "ES256", ec1.privateKey),
    );
    await write(
      "swapped alg: HS256 token, legacy secret revoked",
      claims(),
      await sign(claims(), "HS256", HS_SECRET),
    );
  }
  await write(
    "alg none",
    claims(),
    `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${p}.`,
  );

  // Chunk surgery on cookies the library wrote: a gap, a stale chunk, whole-and-chunks.
  const big = await writeCookies(
    project,
    await main(claims({ user_metadata: { bio: "y".repeat(8000) } })),
    NOW - 700,
  );
  const small = await writeCookies(project, valid, NOW - 700);
  expect(big.length).toBeGreaterThan(2);
  cases.push({
    label: "chunk gap (.1 missing)",
    cookies: big.filter((c) => c.name !== `${COOKIE}.1`),
  });
  cases.push({ label: "chunks reordered", cookies: [...big].reverse() });
  cases.push({
    label: "stale chunk from another write",
    cookies: big.map((c) =>
      c.name === `${COOKIE}.1` ? { ...c, value: c.value.split("").reverse().join("") } : c,
    ),
  });
  cases.push({
    label: "only .1 and .2 (no .0)",
    cookies: big.filter((c) => c.name !== `${COOKIE}.0`),
  });
  cases.push({
    label: "whole cookie plus stale chunks (whole wins)",
    cookies: [...small, ...big.map((c) => ({ ...c }))],
  });
  cases.push({
    label: "extra stale chunk after the last",
    cookies: [...big, { name: `${COOKIE}.9`, value: "junk" }],
  });
  cases.push({ label: "not base64", cookies: [{ name: COOKIE, value: "base64-***" }] });
  cases.push({
    label: "raw JSON (legacy encoding)",
    cookies: [
      {
        name: COOKIE,
        value: encodeURIComponent(
          JSON.stringify({ access_token: valid, refresh_token: "r", expires_at: NOW + 3000 }),
        ),
      },
    ],
  });
  cases.push({
    label: "JSON without refresh_token",
    cookies: [
      {
        name: COOKIE,
        value: `base64-${Buffer.from(JSON.stringify({ access_token: valid, expires_at: NOW + 3000 })).toString("base64url")}`,
      },
    ],
  });
  cases.push({ label: "no cookie", cookies: [{ name: "other", value: "1" }] });
  return cases;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW * 1000);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  // auth-js logs each failed refresh of the expired cases; the verdicts are what is asserted.
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  clearJwksCaches();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("supabaseSession agrees with @supabase/ssr + auth.getClaims", () => {
  for (const project of [ASYMMETRIC, LEGACY]) {
    it(`has the same accept set and subjects (${project.name})`, async () => {
      const cases = await corpus(project);
      const disagreements: string[] = [];
      let accepted = 0;
      for (const c of cases) {
        let expected = await supabaseVerdict(project, c.cookies);
        // getClaims defers HS256 and kid-less tokens to the server's /user: play GoTrue's check.
        if (expected === null) {
          const token = accessToken(c.cookies, project.cookie);
          if (token && needsServer(token) && (await serverVerifies(project, token))) {
            expected = await supabaseVerdictWithServer(project, c.cookies);
          }
        }
        const actual = await kitVerdict(project, c.cookies);
        if (expected) accepted++;
        if (expected !== actual)
          disagreements.push(`${c.label}: supabase ${expected}, kit ${actual}`);
      }
      expect(disagreements).toEqual([]);
      expect(accepted).toBeGreaterThanOrEqual(6);
      expect(cases.length - accepted).toBeGreaterThanOrEqual(12);
    });
  }
});

/** The access token inside a cookie set, read the simple way (for the server-side fallback). */
function accessToken(cookies: Jar, COOKIE: string): string | null {
  const whole = cookies.find((c) => c.name === COOKIE)?.value;
  let value = whole ?? "";
  if (!whole)
    for (let i = 0; ; i++) {
      const chunk = cookies.find((c) => c.name === `${COOKIE}.${i}`)?.value;
      if (!chunk) break;
      value += chunk;
    }
  try {
    const json = value.startsWith("base64-")
      ? Buffer.from(value.slice(7), "base64url").toString("utf8")
      : value;
    return (JSON.parse(json) as { access_token?: string }).access_token ?? null;
  } catch {
    return null;
  }
}

function needsServer(token: string): boolean {
  try {
    const h = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()) as Record<
      string,
      unknown
    >;
    return typeof h.alg === "string" && (h.alg.startsWith("HS") || !h.kid);
  } catch {
    return false;
  }
}

/** getClaims again, with /user answering as GoTrue does for this token (it verified above). */
async function supabaseVerdictWithServer(project: Project, cookies: Jar): Promise<string | null> {
  const jar = { cookies: [...cookies] };
  try {
    const { data, error } = await client(project, jar, { writing: true }).auth.getClaims(
      undefined,
      {
        jwks: { keys: (await project.knownKeys()) as never },
      },
    );
    if (error || !data) return null;
    return String(data.claims.sub);
  } catch {
    return null;
  }
}

describe("supabaseSession where it deliberately differs", () => {
  const refused = async (label: string, payload: Record<string, unknown>) => {
    const token = await sign(payload, "ES256", ec1.privateKey, "k1");
    const cookies = await writeCookies(ASYMMETRIC, token, NOW - 700);
    const outcome = await kitSource(ASYMMETRIC).read(
      new Request(URL_, { headers: { cookie: header(cookies) } }),
    );
    return { label, supabase: await supabaseVerdict(ASYMMETRIC, cookies), outcome };
  };

  it("refuses anon and service_role tokens and a foreign aud, which getClaims accepts", async () => {
    for (const payload of [
      { iss: "supabase", ref: "abcdefgh", role: "anon", iat: NOW - 10, exp: NOW + 3000 },
      claims({ role: "service_role", sub: undefined, aud: undefined }),
      claims({ role: "service_role" }),
      claims({ aud: "anon" }),
    ]) {
      const r = await refused("api key", payload);
      expect(r.supabase).not.toBe(undefined);
      expect(r.outcome.status).toBe("invalid");
    }
    const anon = await refused("anon", {
      role: "anon",
      sub: "x",
      aud: "authenticated",
      exp: NOW + 3000,
    });
    expect(anon.supabase).toBe("x");
    expect(anon.outcome).toMatchObject({
      status: "invalid",
      description: expect.stringContaining("anon"),
    });
  });

  it("refuses a token whose nbf is ahead (getClaims checks exp only)", async () => {
    const r = await refused("nbf", claims({ nbf: NOW + 60 }));
    expect(r.supabase).toBe(claims().sub);
    expect(r.outcome.status).toBe("invalid");
  });

  it("refuses an access token over maxTokenBytes", async () => {
    const r = await refused("big", claims({ user_metadata: { bio: "z".repeat(20_000) } }));
    expect(r.supabase).toBe(claims().sub);
    expect(r.outcome.status).toBe("invalid");
  });
});

describe("supabaseSession mapping and options", () => {
  it("maps into the kit's vocabulary, never Supabase's Postgres role", async () => {
    const cookies = await writeCookies(
      ASYMMETRIC,
      await sign(claims(), "ES256", ec1.privateKey, "k1"),
      NOW - 700,
    );
    const outcome = await kitSource(ASYMMETRIC).read(
      new Request(URL_, { headers: { cookie: header(cookies) } }),
    );
    expect(outcome).toMatchObject({
      status: "ok",
      auth: {
        claims: { sub: claims().sub, email: "alice@example.com" },
        sessionId: "s-1",
        authTime: NOW - 500,
        amr: ["password"],
        acr: "aal1",
        expiresAt: NOW + 3000,
        source: "supabase",
      },
    });
    expect(outcome.status === "ok" ? outcome.auth.claims.role : "not ok").toBeUndefined();
  });

  it("maps app roles with toClaims", async () => {
    const token = await sign(
      claims({ app_metadata: { role: "admin", team: "acme" } }),
      "ES256",
      ec1.privateKey,
      "k1",
    );
    const cookies = await writeCookies(ASYMMETRIC, token, NOW - 700);
    const source = supabaseSession({
      url: URL_,
      fetch: authServer(ASYMMETRIC, { writing: false }),
      toClaims: (p) => {
        const meta = p.app_metadata as { role?: string; team?: string };
        return { sub: p.sub, role: meta.role, tenant: meta.team };
      },
    });
    expect(
      await source.read(new Request(URL_, { headers: { cookie: header(cookies) } })),
    ).toMatchObject({
      status: "ok",
      auth: { claims: { role: "admin", tenant: "acme" } },
    });
  });

  it("throws (so the kit answers 503) when the JWKS cannot be fetched", async () => {
    const cookies = await writeCookies(
      ASYMMETRIC,
      await sign(claims(), "ES256", ec1.privateKey, "k1"),
      NOW - 700,
    );
    const source = supabaseSession({
      url: URL_,
      fetch: async () => new Response("down", { status: 503 }),
    });
    await expect(
      source.read(new Request(URL_, { headers: { cookie: header(cookies) } })),
    ).rejects.toThrow();
  });

  it("checks its options at definition", () => {
    expectConfigError(() => supabaseSession({ url: "nope" }), "invalid_session_options");
    expectConfigError(
      () => supabaseSession({ url: URL_, jwksUrl: false }),
      "invalid_session_options",
    );
    expectConfigError(
      () => supabaseSession({ url: URL_, jwtSecret: "" }),
      "invalid_session_options",
    );
    expectConfigError(
      () => supabaseSession({ url: URL_, jwksUrl: "http://example.com/jwks" }),
      "invalid_session_options",
    );
    expect(supabaseSession({ url: URL_ }).challenge?.params["cookie-name"]).toBe(COOKIE);
  });
});
