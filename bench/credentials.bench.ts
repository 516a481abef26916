/**
 * Programs as callers, for `npm run bench` (issue 21): in one process, checks per second of the
 * same handler plain, behind `withAuthorization` with a bearer token (its key cached), and behind
 * an API key with a warm and a cold cache (with the store round trips per check counted); and the
 * verification cost in µs per algorithm, the kit's JWS verifier beside jose's `jwtVerify`. The
 * JWKS is served over HTTP on 127.0.0.1 (tests/support/oidc-issuer.ts). Each figure keeps its best
 * of the alternating rounds, as bench/session-read.bench.ts does.
 */
import { createLocalJWKSet, jwtVerify } from "jose";
import {
  apiKeySource,
  bearerTokenSource,
  createApiKey,
  createAuthz,
  defineAccess,
  memoryApiKeyStore,
  type ApiKeyStore,
} from "../lib/authz";
import { clearJwksCaches, jwksCache } from "../lib/authz/session/jwks";
import { verifyJws, type JwsAlgorithm } from "../lib/authz/session/jws";
import { accessClaims, startTestIssuer, type IssuerAlg } from "../tests/support/oidc-issuer";
import { perCallUs } from "./timing";

const AUDIENCE = "https://bench.example";
const ALGS: readonly IssuerAlg[] = ["ES256", "RS256", "EdDSA"];

/** Calls per second of `call`, run back to back for about `ms`. */
async function perSecond(ms: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await call();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 100; i++) await call();
    n += 100;
  }
  return (n * 1000) / (performance.now() - start);
}

/** What {@link benchCredentials} measures. */
export interface CredentialBench {
  readonly plainChecksPerSec: number;
  readonly bearerChecksPerSec: number;
  readonly apiKeyWarmChecksPerSec: number;
  readonly apiKeyColdChecksPerSec: number;
  /** Store lookups per check with the cache off: the target is one round trip. */
  readonly apiKeyColdRoundTripsPerCheck: number;
  /** µs per verification by algorithm: the kit's (no token cache) and jose's. */
  readonly verifyUs: Readonly<Record<IssuerAlg, { readonly kit: number; readonly jose: number }>>;
}

/**
 * Runs the credential benches; `durationMs` per round (tests pass a tiny one to see it run).
 *
 * @example
 * const r = await benchCredentials({ durationMs: 500, rounds: 3 });
 * console.log(r.bearerChecksPerSec / r.plainChecksPerSec);
 */
export async function benchCredentials(
  options: { readonly durationMs?: number; readonly rounds?: number } = {},
): Promise<CredentialBench> {
  const durationMs = options.durationMs ?? 1000;
  const rounds = options.rounds ?? 3;
  const issuer = await startTestIssuer(ALGS);
  try {
    const users = (id: string) => ({ sub: id, role: "member", tenant: "acme" });
    const access = defineAccess({ roles: { member: {} } });
    const policy = access.policy({ name: "bench", accepts: ["session", "bearer", "api_key"] });

    const keyStore = memoryApiKeyStore();
    const counter = { finds: 0 };
    const counted: ApiKeyStore & { runtime: "edge" } = {
      runtime: "edge",
      find: (hash) => (counter.finds++, keyStore.find(hash)),
      save: (record) => keyStore.save(record),
      revoke: (id) => keyStore.revoke(id),
    };
    const { key } = await createApiKey(keyStore, {
      name: "bench",
      owner: { type: "user", id: "user-bench" },
      permissions: [],
    });
    const bearer = bearerTokenSource({
      issuer: issuer.issuer,
      audience: AUDIENCE,
      jwks: issuer.jwksUrl,
      users,
    });
    const kit = (cacheMs: number) =>
      createAuthz({
        session: [bearer, apiKeySource({ store: counted, users, cacheMs })],
      });
    const warmKit = kit(2_000);
    const coldKit = kit(0);
    const handler = async () => Response.json({ ok: true });
    const plain = async () => (await handler()).status;
    const guard = (authz: ReturnType<typeof kit>) =>
      authz.withAuthorization(policy, async () => handler());

    const token = await issuer.sign(accessClaims(issuer, AUDIENCE, { exp: 4_000_000_000 }));
    const bearerRequest = () =>
      new Request("http://localhost/bench", { headers: { authorization: `Bearer ${token}` } });
    const keyRequest = () =>
      new Request("http://localhost/bench", { headers: { "x-api-key": key } });
    const context = { params: Promise.resolve({}) };
    const bearerRoute = guard(warmKit);
    const warmRoute = guard(warmKit);
    const coldRoute = guard(coldKit);
    const ok = async (response: Promise<Response>) => {
      const status = (await response).status;
      if (status !== 200) throw new Error(`benchCredentials: a guarded call answered ${status}`);
    };
    await ok(bearerRoute(bearerRequest(), context));
    await ok(warmRoute(keyRequest(), context));

    let plainChecksPerSec = 0;
    let bearerChecksPerSec = 0;
    let apiKeyWarmChecksPerSec = 0;
    let apiKeyColdChecksPerSec = 0;
    let apiKeyColdRoundTripsPerCheck = 0;
    for (let round = 0; round < rounds; round++) {
      plainChecksPerSec = Math.max(plainChecksPerSec, await perSecond(durationMs, plain));
      bearerChecksPerSec = Math.max(
        bearerChecksPerSec,
        await perSecond(durationMs, () => ok(bearerRoute(bearerRequest(), context))),
      );
      apiKeyWarmChecksPerSec = Math.max(
        apiKeyWarmChecksPerSec,
        await perSecond(durationMs, () => ok(warmRoute(keyRequest(), context))),
      );
      const before = counter.finds;
      let checks = 0;
      const cold = await perSecond(
        durationMs,
        () => (checks++, ok(coldRoute(keyRequest(), context))),
      );
      apiKeyColdChecksPerSec = Math.max(apiKeyColdChecksPerSec, cold);
      apiKeyColdRoundTripsPerCheck = (counter.finds - before) / checks;
    }

    const verifyUs = {} as Record<IssuerAlg, { kit: number; jose: number }>;
    const iterations = Math.max(20, Math.round(durationMs / 2));
    for (const alg of ALGS) {
      const signed = await issuer.sign(accessClaims(issuer, AUDIENCE, { exp: 4_000_000_000 }), {
        alg,
      });
      const keys = jwksCache({ url: issuer.jwksUrl, issuer: issuer.issuer, algorithms: [alg] });
      const local = createLocalJWKSet({ keys: issuer.keys.map((k) => k.jwk) });
      const algorithms: JwsAlgorithm[] = [alg];
      const kitUs = await perCallUs(
        iterations,
        async () => {
          if (!(await verifyJws(signed, keys, { algorithms, typ: "at+jwt" })))
            throw new Error(`benchCredentials: the kit refused a valid ${alg} token`);
        },
        Math.min(50, iterations),
      );
      const joseUs = await perCallUs(
        iterations,
        () => jwtVerify(signed, local, { algorithms: [alg], typ: "at+jwt" }),
        Math.min(50, iterations),
      );
      verifyUs[alg] = { kit: Math.round(kitUs * 10) / 10, jose: Math.round(joseUs * 10) / 10 };
    }
    return {
      plainChecksPerSec,
      bearerChecksPerSec,
      apiKeyWarmChecksPerSec,
      apiKeyColdChecksPerSec,
      apiKeyColdRoundTripsPerCheck,
      verifyUs,
    };
  } finally {
    await issuer.stop();
    clearJwksCaches();
  }
}
