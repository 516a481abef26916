/**
 * Bearer access tokens (RFC 6750 transport, RFC 9068 JWT profile): `Authorization: Bearer <JWT>`
 * with header `typ` `at+jwt`, checked against one issuer, its audience, an algorithm allowlist and
 * the issuer's keys (the JWKS cache). Edge-safe: fetch and Web Crypto only.
 *
 * The token says which user (`sub`) and which scopes; who that user is (role, tenant, plan, org
 * memberships) comes from the app's account lookup, never from the token's own claims. A token
 * whose `sub` is its `client_id` (client credentials) is a machine subject, when `clients` knows it.
 *
 * @see docs/credentials.md#bearer-access-tokens
 */
import { AuthzConfigError } from "../errors";
import type { CredentialSource, SourceOutcome } from "./credential";
import { jwksCache, type JwksCacheOptions } from "./jwks";
import { verifyJws, type JwsAlgorithm, type JwsKeyResolver } from "./jws";
import type { SessionClaims } from "./source";

type AsymmetricAlgorithm = Exclude<JwsAlgorithm, "HS256">;

/** Options of {@link bearerTokenSource}. */
export interface BearerTokenSourceOptions {
  /** The authorization server's issuer identifier; `iss` must equal it. */
  readonly issuer: string;
  /** This resource server's identifier(s); `aud` must contain one (RFC 9068 §4). */
  readonly audience: string | readonly string[];
  /** The issuer's key set: its URL (cached by `jwksCache`), or a resolver of your own. */
  readonly jwks: string | JwsKeyResolver;
  /** Options of the JWKS cache when `jwks` is a URL (TTL, cooldown, timeout, stale window). */
  readonly jwksOptions?: Omit<JwksCacheOptions, "url" | "issuer" | "algorithms">;
  /** Algorithms this issuer signs with. Default `["RS256", "ES256", "EdDSA"]`; never HS256 or none. */
  readonly algorithms?: readonly AsymmetricAlgorithm[];
  /** The claims of the user `sub` names, from the app's account source; null for no such user. */
  readonly users: (userId: string) => Promise<SessionClaims | null> | SessionClaims | null;
  /**
   * The claims of an OAuth client acting for itself (client credentials: `sub` equals
   * `client_id`); null or absent refuses such tokens.
   */
  readonly clients?: (clientId: string) => Promise<SessionClaims | null> | SessionClaims | null;
  /** Seconds of clock skew tolerated on `exp` and `nbf`. Default 30, at most 300. */
  readonly clockToleranceSec?: number;
  /** The URL of this resource's RFC 9728 metadata, named in every challenge (`resource_metadata`). */
  readonly resourceMetadata?: string;
  /** The challenge's `realm`. */
  readonly realm?: string;
  /** The source's name in logs. Default `oidc:<issuer>`. */
  readonly name?: string;
  /** The clock in ms, for tests. */
  readonly now?: () => number;
}

/** What an `Authorization` header carries, as far as bearer tokens go. */
export type AuthorizationHeader =
  | { readonly status: "absent" }
  | { readonly status: "malformed" }
  | { readonly status: "bearer"; readonly token: string };

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const BEARER_SCHEME = /^Bearer(?: |$)/i;

/**
 * Reads the bearer token of a request: absent (no header, or another scheme), malformed (the
 * scheme with no token, two tokens, two headers), or the token.
 *
 * @example
 * bearerToken(new Request("https://x", { headers: { authorization: "Bearer abc" } })); // { status: "bearer", token: "abc" }
 */
export function bearerToken(request: Request): AuthorizationHeader {
  const value = request.headers.get("authorization");
  if (value === null) return { status: "absent" };
  const trimmed = value.trim();
  // Two Authorization headers arrive joined by ", ": one of them Bearer makes the request ambiguous.
  if (!BEARER_SCHEME.test(trimmed) && !/(^|,\s*)Bearer(?: |$)/i.test(trimmed))
    return { status: "absent" };
  const match = BEARER.exec(trimmed);
  return match ? { status: "bearer", token: match[1]! } : { status: "malformed" };
}

const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = ["RS256", "ES256", "EdDSA"];
const CACHE_ENTRIES = 1_000;

const stringList = (value: unknown): readonly string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;

/**
 * Builds the bearer token source for `AuthzOptions.session`; options are checked here, once.
 *
 * @example
 * const bearer = bearerTokenSource({
 *   issuer: process.env.OIDC_ISSUER!, audience: process.env.OIDC_AUDIENCE!,
 *   jwks: process.env.OIDC_JWKS_URL!, users: (id) => accounts.claims(id),
 * });
 * export const authz = createAuthz({ session: [bearer, authJsSession({ secret })] });
 * @see docs/credentials.md#bearer-access-tokens
 */
export function bearerTokenSource(options: BearerTokenSourceOptions): CredentialSource {
  const invalid = (why: string): never => {
    throw new AuthzConfigError("invalid_bearer_options", "bearerTokenSource", why);
  };
  const { issuer, users, clients } = options;
  if (typeof issuer !== "string" || issuer === "") invalid("issuer is required");
  const audience = typeof options.audience === "string" ? [options.audience] : options.audience;
  if (!Array.isArray(audience) || audience.length === 0 || audience.some((a) => !a))
    invalid("audience is required");
  if (typeof users !== "function") invalid("users(userId) must be a function");
  if (clients !== undefined && typeof clients !== "function")
    invalid("clients(clientId) must be a function");
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    algorithms.some((a) => !DEFAULT_ALGORITHMS.includes(a))
  )
    invalid(`algorithms must be a non-empty list of ${DEFAULT_ALGORITHMS.join(", ")}`);
  const tolerance = options.clockToleranceSec ?? 30;
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 300)
    invalid(`clockToleranceSec must be a whole number 0-300, got ${tolerance}`);
  let keys: JwsKeyResolver;
  if (typeof options.jwks === "function") keys = options.jwks;
  else if (typeof options.jwks === "string")
    keys = jwksCache({ ...options.jwksOptions, url: options.jwks, issuer, algorithms });
  else keys = invalid("jwks must be the key set's URL or a key resolver");
  const params: Record<string, string> = {};
  if (options.realm !== undefined) params.realm = options.realm;
  if (options.resourceMetadata !== undefined) params.resource_metadata = options.resourceMetadata;

  // Verified tokens, reused until they expire: a repeat costs a Map lookup, not a signature check.
  const verified = new Map<string, { readonly claims: SessionClaims; readonly exp: number }>();

  async function verify(token: string, nowSec: number): Promise<SessionClaims | null> {
    const hit = verified.get(token);
    if (hit !== undefined) {
      if (hit.exp + tolerance > nowSec) return hit.claims;
      verified.delete(token);
    }
    const result = await verifyJws(token, keys, {
      algorithms,
      typ: "at+jwt",
      issuer,
      audience,
      requiredClaims: ["exp", "iat", "sub", "client_id"],
      clockToleranceSec: tolerance,
      nowSec,
    });
    if (result === null) return null;
    const { claims } = result;
    if (typeof claims.sub !== "string" || claims.sub === "") return null;
    if (typeof claims.client_id !== "string" || claims.client_id === "") return null;
    // Not yet valid tokens are not cached: they may become valid, and nbf was checked above.
    if (typeof claims.exp === "number" && typeof claims.nbf !== "number") {
      verified.set(token, { claims, exp: claims.exp });
      if (verified.size > CACHE_ENTRIES) verified.delete(verified.keys().next().value as string);
    }
    return claims;
  }

  const refused = (description: string): SourceOutcome => ({
    status: "invalid",
    error: "invalid_token",
    description,
  });

  const name = options.name ?? `oidc:${issuer}`;
  const now = options.now ?? Date.now;
  return {
    name,
    kind: "bearer",
    runtime: "edge",
    challenge: { scheme: "Bearer", params },
    async read(request) {
      const header = bearerToken(request);
      if (header.status === "absent") return { status: "none" };
      if (header.status === "malformed") return { status: "invalid", error: "invalid_request" };
      const claims = await verify(header.token, Math.floor(now() / 1000));
      if (claims === null) return refused("The access token is not valid");
      const sub = claims.sub as string;
      const clientId = claims.client_id as string;
      const machine = sub === clientId && clients !== undefined;
      const account = machine ? await clients(clientId) : await users(sub);
      if (account === null) return refused("The access token names no known user");
      const scope = typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : [];
      const amr = stringList(claims.amr);
      return {
        status: "ok",
        auth: {
          // Who the user is comes from the account; the token only says which one.
          claims: { ...account, sub },
          kind: machine ? "machine" : "user",
          credential: "bearer",
          source: name,
          scopes: scope,
          label: clientId,
          ...(typeof claims.exp === "number" ? { expiresAt: claims.exp } : {}),
          ...(typeof claims.auth_time === "number" ? { authTime: claims.auth_time } : {}),
          ...(typeof claims.acr === "string" ? { acr: claims.acr } : {}),
          ...(amr ? { amr } : {}),
        },
      };
    },
  };
}
