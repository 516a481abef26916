/**
 * NODE.JS ONLY (node:http). The demo's credentials for `npm run authz:probe` (its `--credentials`
 * hook, lib/authz/tools/probe-node.mjs): an OAuth issuer made for the run, whose ES256 key is
 * served as a JWKS on 127.0.0.1 and named to the server the probe starts by OIDC_ISSUER /
 * OIDC_AUDIENCE / OIDC_JWKS_URL (DESIGN §1.8), and carol's published API key.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { DEMO_API_KEY } from "./machine";

/** What the probe asks the hook for: a credential of `kind` for the user `claims.sub` names. */
export interface ProbeCredentialRequest {
  readonly kind: "bearer" | "api_key";
  readonly claims: { readonly sub: string; readonly auth_time?: number };
  readonly scopes: readonly string[];
}

const AUDIENCE = "https://api.authz-probe.test";

/**
 * Starts the run's issuer; `mint` signs RFC 9068 access tokens for any demo user and gives carol's
 * key to carol (the only user with one).
 *
 * @example
 * // npm run authz:probe -- --credentials lib/demo/probe-credentials.ts#probeCredentials
 * const { env, mint, close } = await probeCredentials();
 */
export async function probeCredentials() {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const kid = `probe-${randomBytes(4).toString("hex")}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/issuer`;
  return {
    env: { OIDC_ISSUER: issuer, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_URL: `${origin}/jwks.json` },
    async mint({ kind, claims, scopes }: ProbeCredentialRequest) {
      if (kind === "api_key")
        return claims.sub === "user-carol" ? { "x-api-key": DEMO_API_KEY } : null;
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        client_id: "authz-probe",
        scope: scopes.join(" "),
        auth_time: claims.auth_time ?? now,
      })
        .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setSubject(claims.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .setJti(randomBytes(8).toString("hex"))
        .sign(privateKey);
      return { authorization: `Bearer ${token}` };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
