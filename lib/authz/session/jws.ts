/**
 * Compact JWS verification and JWT claim checks on Web Crypto alone (RS256, ES256, EdDSA, HS256),
 * shared by every signed-token source: Supabase, Clerk, signed cookies and bearer tokens. Each
 * caller names the algorithms it accepts; `none` is never one, and a key only ever verifies the
 * algorithm it was imported for, so an RSA public key can never be used as an HMAC secret.
 * Anything malformed, unauthentic or out of date is `null`; only a key resolver's throw (a key
 * set that cannot be fetched) escapes, so the kit answers 503 rather than treat it as anonymous.
 *
 * @see docs/sessions.md#signed-tokens-jws
 */
import { bytesEqual, hmacSha256 } from "../crypto/sha256";
import { base64UrlDecode } from "./base64url";
import { isCurrentToken } from "./jwe";
import type { SessionClaims } from "./source";

/** A JWS algorithm this module verifies. */
export type JwsAlgorithm = "RS256" | "ES256" | "EdDSA" | "HS256";

/** Every algorithm {@link verifyJws} knows, for option checks. */
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = ["RS256", "ES256", "EdDSA", "HS256"];

/** The protected header of a token that passed the header check. */
export interface JwsHeader {
  readonly alg: JwsAlgorithm;
  readonly kid?: string;
  readonly typ?: string;
  /** Every member as sent (Clerk's `cat`, for example), for callers that check more. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A verification key bound to the one algorithm it may verify. */
export interface JwsKey {
  readonly alg: JwsAlgorithm;
  readonly key: CryptoKey;
  readonly kid?: string;
  /**
   * An HS256 key's HMAC over the same secret, computed synchronously ({@link importHmacSecret} sets
   * it): a shared-secret token is then checked without Web Crypto's job hop, which cost more than
   * the hash. Verification uses `key` where it is absent.
   */
  readonly hmac?: (input: Uint8Array) => Uint8Array;
}

/** Returns the keys worth trying for a header; an empty list means the token is not valid. */
export type JwsKeyResolver = (header: JwsHeader) => Promise<readonly JwsKey[]>;

/** Checks applied by {@link verifyJws}; the claim checks follow jose's `jwtVerify` exactly. */
export interface VerifyJwsOptions {
  /** Algorithms accepted in the header; anything else is refused before a key is looked up. */
  readonly algorithms: readonly JwsAlgorithm[];
  /** Required header `typ`, compared as jose does (case-insensitive, `application/` implied). */
  readonly typ?: string;
  /** Accepted `iss` values. */
  readonly issuer?: string | readonly string[];
  /** Accepted audiences: the token's `aud` (string or list) must contain one. */
  readonly audience?: string | readonly string[];
  /** Claims that must be present (any value). */
  readonly requiredClaims?: readonly string[];
  /** Seconds of clock skew tolerated on `exp` and `nbf` (and future `iat` when refused). @default 0 */
  readonly clockToleranceSec?: number;
  /** Refuse an `iat` later than now plus the tolerance (Clerk does). @default false */
  readonly rejectFutureIat?: boolean;
  /** Largest token, in characters, looked at at all. @default 16384 */
  readonly maxTokenBytes?: number;
  /** Current time in Unix seconds; tests pin it. @default Math.floor(Date.now() / 1000) */
  readonly nowSec?: number;
}

/** A verified token: its header and its claims. */
export interface VerifiedJws {
  readonly header: JwsHeader;
  readonly claims: SessionClaims;
}

/**
 * Default largest token: far above any session JWT, far below anything that costs real work.
 *
 * @example
 * verifyJws(token, keys, { algorithms: ["ES256"], maxTokenBytes: DEFAULT_MAX_JWS_BYTES * 2 });
 */
export const DEFAULT_MAX_JWS_BYTES = 16 * 1024;

const MIN_RSA_BITS = 2048;
const encoder = new TextEncoder();
// `fatal` so that invalid UTF-8 is an invalid token, as with jose's strict decoder.
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** True for `{...}` from JSON.parse: not an array, not null, not a class instance (jose's test). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (
    typeof value !== "object" ||
    value === null ||
    Object.prototype.toString.call(value) !== "[object Object]"
  ) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function parseJsonSegment(segment: string): Record<string, unknown> | null {
  const bytes = base64UrlDecode(segment);
  if (!bytes) return null;
  try {
    const parsed: unknown = JSON.parse(strictDecoder.decode(bytes));
    return isPlainObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isAlgorithm(value: unknown, allowed: readonly JwsAlgorithm[]): value is JwsAlgorithm {
  // Known algorithms only, whatever a caller's list says: `none` can never be named into it.
  return (
    typeof value === "string" &&
    (JWS_ALGORITHMS as readonly string[]).includes(value) &&
    (allowed as readonly string[]).includes(value)
  );
}

function parseHeader(segment: string, algorithms: readonly JwsAlgorithm[]): JwsHeader | null {
  const raw = parseJsonSegment(segment);
  if (!raw) return null;
  const { alg, kid, typ } = raw;
  // `crit` names extensions that must be understood; this module understands none (jose refuses
  // unknown ones too), and `b64: false` would change what was signed.
  if (raw.crit !== undefined || raw.b64 !== undefined) return null;
  if (!isAlgorithm(alg, algorithms)) return null;
  if (kid !== undefined && typeof kid !== "string") return null;
  if (typ !== undefined && typeof typ !== "string") return null;
  return {
    alg,
    ...(kid === undefined ? {} : { kid }),
    ...(typ === undefined ? {} : { typ }),
    raw,
  };
}

/** jose's `typ` comparison: case-insensitive, a bare value means `application/<value>`. */
function normalizeTyp(value: string): string {
  const lower = value.toLowerCase();
  return value.includes("/") ? lower : `application/${lower}`;
}

/**
 * Whether a `CryptoKey` is exactly the kind `alg` needs: HMAC-SHA-256 for HS256, RSASSA-PKCS1-v1_5
 * with SHA-256 and at least 2048 bits for RS256, ECDSA P-256 for ES256, Ed25519 for EdDSA.
 *
 * @example
 * keyFitsAlgorithm(await importJwsKey(jwk, "ES256"), "ES256"); // true
 */
export function keyFitsAlgorithm(key: CryptoKey, alg: JwsAlgorithm): boolean {
  if (!key.usages.includes("verify")) return false;
  const algorithm = key.algorithm as KeyAlgorithm & {
    hash?: { name?: string };
    namedCurve?: string;
    modulusLength?: number;
  };
  switch (alg) {
    case "HS256":
      return (
        key.type === "secret" && algorithm.name === "HMAC" && algorithm.hash?.name === "SHA-256"
      );
    case "RS256":
      return (
        key.type === "public" &&
        algorithm.name === "RSASSA-PKCS1-v1_5" &&
        algorithm.hash?.name === "SHA-256" &&
        (algorithm.modulusLength ?? 0) >= MIN_RSA_BITS
      );
    case "ES256":
      return (
        key.type === "public" && algorithm.name === "ECDSA" && algorithm.namedCurve === "P-256"
      );
    case "EdDSA":
      return key.type === "public" && algorithm.name === "Ed25519";
  }
}

const SIGNING: Readonly<Record<JwsAlgorithm, AlgorithmIdentifier | EcdsaParams>> = {
  HS256: { name: "HMAC" },
  RS256: { name: "RSASSA-PKCS1-v1_5" },
  ES256: { name: "ECDSA", hash: "SHA-256" },
  EdDSA: { name: "Ed25519" },
};

const IMPORT: Readonly<
  Record<
    JwsAlgorithm,
    AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams | HmacImportParams
  >
> = {
  HS256: { name: "HMAC", hash: "SHA-256" },
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  EdDSA: { name: "Ed25519" },
};

// The JWK members each key type needs, and nothing private: a verifier never holds a private key.
const PUBLIC_MEMBERS: Readonly<Record<Exclude<JwsAlgorithm, "HS256">, readonly string[]>> = {
  RS256: ["kty", "n", "e"],
  ES256: ["kty", "crv", "x", "y"],
  EdDSA: ["kty", "crv", "x"],
};

const KTY: Readonly<Record<Exclude<JwsAlgorithm, "HS256">, { kty: string; crv?: string }>> = {
  RS256: { kty: "RSA" },
  ES256: { kty: "EC", crv: "P-256" },
  EdDSA: { kty: "OKP", crv: "Ed25519" },
};

/**
 * Whether a public JWK may verify `alg`: right `kty`/`crv`, `use` absent or `sig`, `key_ops`
 * absent or with `verify`, `alg` absent or equal. Symmetric (`oct`) keys never qualify: a key
 * set is public, so a secret in it is no secret.
 *
 * @example
 * jwkFitsAlgorithm({ kty: "OKP", crv: "Ed25519", x: "..." }, "EdDSA"); // true
 */
export function jwkFitsAlgorithm(
  jwk: Readonly<Record<string, unknown>>,
  alg: JwsAlgorithm,
): boolean {
  if (alg === "HS256") return false;
  const want = KTY[alg];
  if (jwk.kty !== want.kty || (want.crv !== undefined && jwk.crv !== want.crv)) return false;
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes("verify")) return false;
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  return true;
}

/**
 * Imports a public JWK as a verification key for one algorithm; throws when it does not fit.
 * Private members (`d`, ...) are dropped, so a private JWK given by mistake verifies only.
 *
 * @example
 * const key = await importJwsKey({ kty: "EC", crv: "P-256", x, y }, "ES256");
 */
export async function importJwsKey(
  jwk: Readonly<Record<string, unknown>>,
  alg: Exclude<JwsAlgorithm, "HS256">,
): Promise<JwsKey> {
  if (!jwkFitsAlgorithm(jwk, alg)) throw new TypeError(`JWK does not fit ${alg}`);
  const publicJwk: Record<string, unknown> = {};
  for (const member of PUBLIC_MEMBERS[alg]) {
    if (typeof jwk[member] !== "string") throw new TypeError(`JWK member ${member} missing`);
    publicJwk[member] = jwk[member];
  }
  const key = await crypto.subtle.importKey("jwk", publicJwk as JsonWebKey, IMPORT[alg], true, [
    "verify",
  ]);
  if (!keyFitsAlgorithm(key, alg)) throw new TypeError(`JWK does not fit ${alg}`);
  return typeof jwk.kid === "string" ? { alg, key, kid: jwk.kid } : { alg, key };
}

/**
 * Imports an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`, as Clerk's `jwtKey`) for one
 * algorithm; throws when it is not one.
 *
 * @example
 * const key = await importSpkiPem(process.env.CLERK_JWT_KEY!, "RS256");
 */
export async function importSpkiPem(
  pem: string,
  alg: Exclude<JwsAlgorithm, "HS256">,
): Promise<JwsKey> {
  const body = pem
    .replace(/-----BEGIN PUBLIC KEY-----/, "")
    .replace(/-----END PUBLIC KEY-----/, "")
    .replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new TypeError("Not an SPKI PEM public key");
  const binary = atob(body);
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
  const key = await crypto.subtle.importKey("spki", der, IMPORT[alg], true, ["verify"]);
  if (!keyFitsAlgorithm(key, alg)) throw new TypeError(`Key does not fit ${alg}`);
  return { alg, key };
}

/**
 * Imports an HS256 secret (its UTF-8 bytes, as jose and Supabase use a string secret).
 *
 * @example
 * const key = await importHmacSecret(process.env.SUPABASE_JWT_SECRET!);
 */
export async function importHmacSecret(secret: string | Uint8Array): Promise<JwsKey> {
  const bytes = typeof secret === "string" ? encoder.encode(secret) : new Uint8Array(secret);
  if (bytes.length === 0) throw new TypeError("HS256 secret is empty");
  const key = await crypto.subtle.importKey("raw", bytes, IMPORT.HS256, false, ["verify"]);
  return { alg: "HS256", key, hmac: hmacSha256(bytes) };
}

/**
 * Whether a value is a JWT NumericDate-checked claims set under the options: `exp`, `nbf`, `iat`
 * numbers where present, `exp` in the future and `nbf` reached (within the tolerance), and
 * `iss`/`aud`/required claims as asked. jose's `validateClaimsSet`, minus its errors.
 *
 * @example
 * jwtClaimsPass({ exp: 2_000_000_000 }, { algorithms: ["HS256"], nowSec: 1_700_000_000 }); // true
 */
export function jwtClaimsPass(
  claims: Readonly<Record<string, unknown>>,
  options: VerifyJwsOptions,
): boolean {
  const { issuer, audience, requiredClaims = [] } = options;
  const required = [...requiredClaims];
  if (issuer !== undefined) required.push("iss");
  if (audience !== undefined) required.push("aud");
  for (const claim of required) if (!Object.hasOwn(claims, claim)) return false;
  if (issuer !== undefined) {
    const issuers: readonly unknown[] = typeof issuer === "string" ? [issuer] : issuer;
    if (!issuers.includes(claims.iss)) return false;
  }
  if (audience !== undefined) {
    const wanted: readonly string[] = typeof audience === "string" ? [audience] : audience;
    const aud = claims.aud;
    const ok =
      typeof aud === "string"
        ? wanted.includes(aud)
        : Array.isArray(aud) && wanted.some((value) => (aud as unknown[]).includes(value));
    if (!ok) return false;
  }
  const tolerance = options.clockToleranceSec ?? 0;
  const now = options.nowSec ?? Math.floor(Date.now() / 1000);
  // iat/nbf/exp exactly as the JWE readers check them; Clerk's future-iat rule on top.
  if (!isCurrentToken(claims, now, tolerance)) return false;
  const { iat } = claims;
  return !(options.rejectFutureIat && typeof iat === "number" && iat > now + tolerance);
}

/**
 * Verifies a compact JWS and returns its header and JWT claims, or `null` for anything that is not
 * a well-formed, authentic, current token under the options. Throws only when `resolveKeys` does
 * (keys unavailable): callers let that become a 503.
 *
 * @example
 * const key = await importHmacSecret(secret);
 * const result = await verifyJws(token, async () => [key], { algorithms: ["HS256"] });
 * @see docs/sessions.md#signed-tokens-jws
 */
export async function verifyJws(
  token: string,
  resolveKeys: JwsKeyResolver,
  options: VerifyJwsOptions,
): Promise<VerifiedJws | null> {
  const maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_JWS_BYTES;
  if (typeof token !== "string" || token.length === 0 || token.length > maxTokenBytes) return null;
  const firstDot = token.indexOf(".");
  const secondDot = token.indexOf(".", firstDot + 1);
  if (firstDot < 0 || secondDot < 0 || token.indexOf(".", secondDot + 1) >= 0) return null;
  const headerSegment = token.slice(0, firstDot);
  const payloadSegment = token.slice(firstDot + 1, secondDot);
  const signature = base64UrlDecode(token.slice(secondDot + 1));
  if (!signature || signature.length === 0) return null;

  const header = parseHeader(headerSegment, options.algorithms);
  if (!header) return null;
  if (
    options.typ !== undefined &&
    (header.typ === undefined || normalizeTyp(header.typ) !== normalizeTyp(options.typ))
  ) {
    return null;
  }
  if (header.alg === "ES256" && signature.length !== 64) return null;

  const keys = await resolveKeys(header);
  // The signing input is ASCII base64url (checked by the decoders), so its characters are its bytes.
  const signingInput = encoder.encode(token.slice(0, secondDot));
  let verified = false;
  for (const candidate of keys) {
    if (candidate.alg !== header.alg || !keyFitsAlgorithm(candidate.key, header.alg)) continue;
    if (header.kid !== undefined && candidate.kid !== undefined && candidate.kid !== header.kid)
      continue;
    try {
      verified =
        header.alg === "HS256" && candidate.hmac
          ? bytesEqual(candidate.hmac(signingInput), signature)
          : await crypto.subtle.verify(SIGNING[header.alg], candidate.key, signature, signingInput);
    } catch {
      verified = false;
    }
    if (verified) break;
  }
  if (!verified) return null;

  const claims = parseJsonSegment(payloadSegment);
  if (!claims || !jwtClaimsPass(claims, options)) return null;
  return { header, claims };
}
