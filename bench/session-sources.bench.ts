/**
 * Cost of reading each credential source's cookie, in µs per call on one core, beside the library's
 * own verifier: the kit cold (cache off: full Web Crypto verification every call, keys imported
 * once), the kit cached (the verified-cookie cache warm), and the library (jose `jwtVerify` for a
 * jose cookie, iron-session `unsealData`, @clerk/backend `verifyToken` with a local PEM, Supabase
 * `auth.getClaims` with a local key set over an in-memory cookie jar). Calls are sequential, in
 * alternating rounds; each keeps its best round (noise on a shared machine only adds time).
 */
import { generateKeyPairSync } from "node:crypto";
import { SignJWT, exportJWK, jwtVerify } from "jose";
import { sealData, unsealData } from "iron-session";
import { verifyToken } from "@clerk/backend";
import { createServerClient } from "@supabase/ssr";
import { clerkSession, sealedCookie, signedCookie, supabaseSession } from "../lib/authz/session";
import type { CredentialSource } from "../lib/authz/session/credential";
import { perCallUs, roundUs } from "./timing";

/** One source's figures. */
export interface SourceFigures {
  readonly coldUs: number;
  readonly cachedUs: number;
  readonly libraryUs: number;
}

interface Case {
  readonly cold: CredentialSource;
  readonly cached: CredentialSource;
  readonly request: Request;
  readonly library: () => Promise<unknown>;
}

async function signedCase(): Promise<Case> {
  const secret = "bench-secret-0123456789abcdef0123456789abcdef";
  const key = new TextEncoder().encode(secret);
  const token = await new SignJWT({ user: { id: 1 }, expires: "2099-01-01T00:00:00.000Z" })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("1 day from now")
    .sign(key);
  return {
    cold: signedCookie({ secret, cache: false }),
    cached: signedCookie({ secret }),
    request: new Request("http://localhost/", { headers: { cookie: `session=${token}` } }),
    library: () => jwtVerify(token, key, { algorithms: ["HS256"] }),
  };
}

async function sealedCase(): Promise<Case> {
  const password = "bench_password_at_least_32_characters_long";
  const seal = await sealData({ userId: 1, isLoggedIn: true }, { password, ttl: 3600 });
  const options = { cookieName: "app_session", password };
  return {
    cold: sealedCookie({ ...options, cache: false }),
    cached: sealedCookie(options),
    request: new Request("http://localhost/", { headers: { cookie: `app_session=${seal}` } }),
    library: () => unsealData(seal, { password }),
  };
}

async function clerkCase(): Promise<Case> {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwtKey = keys.publicKey.export({ format: "pem", type: "spki" }).toString();
  const authorizedParties = ["http://localhost"];
  const token = await new SignJWT({ sub: "user_1", azp: authorizedParties[0], sid: "sess_1", v: 2 })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "ins_1" })
    .setIssuedAt()
    .setExpirationTime("1 hour from now")
    .sign(keys.privateKey);
  return {
    cold: clerkSession({ jwtKey, authorizedParties, cache: false }),
    cached: clerkSession({ jwtKey, authorizedParties }),
    request: new Request("http://localhost/", { headers: { cookie: `__session=${token}` } }),
    library: () => verifyToken(token, { jwtKey, authorizedParties }),
  };
}

async function supabaseCase(): Promise<Case> {
  // A project per call: the JWKS cache is shared per issuer, and each call makes a new key.
  const ref = `bench${Math.random().toString(36).slice(2, 10)}`;
  const url = `https://${ref}.supabase.co`;
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...(await exportJWK(ec.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  const serve = async () => Response.json({ keys: [jwk] });
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sub: "uuid-1", aud: "authenticated", role: "authenticated" })
    .setProtectedHeader({ alg: "ES256", kid: "k1", typ: "JWT" })
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(ec.privateKey);
  const session = { access_token: token, refresh_token: "r", expires_at: now + 3600 };
  const value = `base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;
  const cookies = [{ name: `sb-${ref}-auth-token`, value }];
  const client = createServerClient(url, "anon-key", {
    cookies: { getAll: () => cookies, setAll: () => undefined },
    global: { fetch: serve },
    realtime: { transport: class {} as never },
  });
  const keys = [jwk] as never;
  return {
    cold: supabaseSession({ url, fetch: serve, cache: false }),
    cached: supabaseSession({ url, fetch: serve }),
    request: new Request("http://localhost/", {
      headers: { cookie: `${cookies[0]!.name}=${value}` },
    }),
    library: async () => {
      const { error } = await client.auth.getClaims(undefined, { jwks: { keys } });
      if (error) throw error;
    },
  };
}

/**
 * Measures every source and its library in this process; µs per call.
 *
 * @example
 * const figures = await benchSessionSources({ iterations: 200, rounds: 3 });
 */
export async function benchSessionSources({
  iterations = 500,
  rounds = 3,
}: { iterations?: number; rounds?: number } = {}): Promise<Record<string, SourceFigures>> {
  const cases: Record<string, Case> = {
    signed_cookie: await signedCase(),
    sealed_cookie: await sealedCase(),
    clerk: await clerkCase(),
    supabase: await supabaseCase(),
  };
  const figures: Record<string, SourceFigures> = {};
  for (const [name, c] of Object.entries(cases)) {
    const check = await c.cold.read(c.request);
    if (check.status !== "ok")
      throw new Error(`benchSessionSources: ${name} did not read its cookie`);
    await c.library();
    let coldUs = Infinity;
    let cachedUs = Infinity;
    let libraryUs = Infinity;
    for (let r = 0; r < rounds; r++) {
      coldUs = Math.min(
        coldUs,
        await perCallUs(iterations, () => c.cold.read(c.request), Math.max(1, iterations / 10)),
      );
      cachedUs = Math.min(
        cachedUs,
        await perCallUs(
          iterations * 10,
          () => c.cached.read(c.request),
          Math.max(1, (iterations * 10) / 10),
        ),
      );
      libraryUs = Math.min(
        libraryUs,
        await perCallUs(iterations, c.library, Math.max(1, iterations / 10)),
      );
    }
    figures[name] = {
      coldUs: roundUs(coldUs),
      cachedUs: roundUs(cachedUs),
      libraryUs: roundUs(libraryUs),
    };
  }
  return figures;
}
