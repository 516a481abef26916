/**
 * A real OAuth authorization server's two halves that a resource server sees: a JWKS served over
 * HTTP on 127.0.0.1 (node:http), and access tokens (RFC 9068, `typ: at+jwt`) signed by jose with
 * keys generated here. Keys can be rotated and the server stopped and started again on its port.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey as JoseKey } from "jose";

export type IssuerAlg = "RS256" | "ES256" | "EdDSA";

interface SigningKey {
  readonly kid: string;
  readonly alg: IssuerAlg;
  readonly privateKey: JoseKey;
  readonly jwk: JWK;
}

export interface TestIssuer {
  readonly issuer: string;
  readonly jwksUrl: string;
  /** How many times the key set was fetched. */
  readonly hits: number;
  /** The keys published now, newest first. */
  readonly keys: readonly SigningKey[];
  /** Signs an access token with the newest key of `alg` (or `key`); header and claims overridable. */
  sign(
    claims: Record<string, unknown>,
    options?: { alg?: IssuerAlg; key?: SigningKey; typ?: string | null; kid?: string | null },
  ): Promise<string>;
  /** Adds a new key of `alg` and, with `retire`, stops publishing the older ones. */
  rotate(alg?: IssuerAlg, retire?: boolean): Promise<SigningKey>;
  /** A key that was never published (a forger's). */
  unpublishedKey(alg?: IssuerAlg): Promise<SigningKey>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

let counter = 0;

async function newKey(alg: IssuerAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}),
  });
  const kid = `k${++counter}-${alg}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, jwk };
}

/** Starts an issuer with one key per algorithm; `issuer` is its own URL's origin plus a path. */
export async function startTestIssuer(algs: readonly IssuerAlg[] = ["ES256"]): Promise<TestIssuer> {
  let published: SigningKey[] = [];
  for (const alg of algs) published.push(await newKey(alg));
  let hits = 0;
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    server = createServer((request, response) => {
      hits++;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  };
  await listen();
  const origin = `http://127.0.0.1:${port}`;

  return {
    issuer: `${origin}/issuer`,
    jwksUrl: `${origin}/.well-known/jwks.json`,
    get hits() {
      return hits;
    },
    get keys() {
      return published;
    },
    async sign(claims, options = {}) {
      const key =
        options.key ?? published.find((k) => k.alg === (options.alg ?? algs[0])) ?? published[0]!;
      const header: Record<string, unknown> = { alg: key.alg };
      if (options.typ !== null) header.typ = options.typ ?? "at+jwt";
      if (options.kid !== null) header.kid = options.kid ?? key.kid;
      return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
    },
    async rotate(alg = algs[0] ?? "ES256", retire = false) {
      const key = await newKey(alg);
      published = retire ? [key] : [key, ...published];
      return key;
    },
    unpublishedKey: (alg = algs[0] ?? "ES256") => newKey(alg),
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async start() {
      if (!server) await listen();
    },
  };
}

/** RFC 9068 claims for a user's delegated token, `lifetime` seconds from `now` (Unix seconds). */
export function accessClaims(
  issuer: TestIssuer,
  audience: string,
  overrides: Record<string, unknown> = {},
  now = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  return {
    iss: issuer.issuer,
    aud: audience,
    sub: "user-alice",
    client_id: "console-cli",
    scope: "reports:export",
    iat: now,
    exp: now + 300,
    jti: `jti-${now}-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}
