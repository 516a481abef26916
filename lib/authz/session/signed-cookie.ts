/**
 * `signedCookie`: an app's own session cookie, a JWS signed with jose as the Next.js docs and
 * nextjs/saas-starter write it (`session`, HS256 with a secret), or with an asymmetric key. Edge-safe.
 *
 * @see docs/sessions.md#your-own-session
 */
import { parseCookieHeader } from "./cookies";
import type { CredentialSource, SourceOutcome } from "./credential";
import {
  importHmacSecret,
  verifyJws,
  type JwsAlgorithm,
  type JwsKey,
  type JwsKeyResolver,
} from "./jws";
import type { SecretInput } from "./jwt-cookie-source";
import {
  INVALID_SESSION,
  VerifiedTokenCache,
  checkCookieSourceOptions,
  checkTolerance,
  cookieChallenge,
  optionError,
  pickKitClaims,
  sessionOutcome,
  subjectId,
  type CookieSourceOptions,
  type ToClaims,
} from "./token-source";

/** Options of {@link signedCookie}. */
export interface SignedCookieOptions extends CookieSourceOptions {
  /** The cookie's name. @default "session" */
  readonly cookieName?: string;
  /**
   * HS256 secret(s), as the app passes them to jose (UTF-8 bytes): a list enables rotation (every
   * entry verifies), a function is read per request. Give this or `keys`.
   */
  readonly secret?: SecretInput;
  /** Asymmetric keys instead of a secret: a resolver such as `jwksCache(...)` or fixed keys. */
  readonly keys?: JwsKeyResolver | readonly JwsKey[];
  /** Accepted algorithms. @default ["HS256"] with `secret`, else ["ES256", "EdDSA", "RS256"] */
  readonly algorithms?: readonly JwsAlgorithm[];
  /** Refuse tokens without `exp` (the Next.js docs and saas-starter always set it). @default true */
  readonly requireExp?: boolean;
  /** Seconds of clock skew on `exp`/`nbf`, as the app passes `clockTolerance` to jose. @default 0 */
  readonly clockToleranceSec?: number;
  /** Required `iss`. */
  readonly issuer?: string;
  /** Required `aud` (one of). */
  readonly audience?: string | readonly string[];
  /** Required header `typ`. */
  readonly typ?: string;
}

/**
 * The default mapping: the id from `sub`, `userId` (Next.js docs) or `user.id` (saas-starter),
 * safe integers written in decimal; the kit's fields (`email`, `name`, `role`, `roles`, `tenant`, `plan`)
 * from the top level or from `user`. No id: no signed-in user.
 *
 * @example
 * defaultSignedCookieClaims({ user: { id: 1 }, expires: "..." }); // { sub: "1" }
 */
export function defaultSignedCookieClaims(
  payload: Readonly<Record<string, unknown>>,
): Record<string, unknown> | null {
  const user =
    typeof payload.user === "object" && payload.user !== null
      ? (payload.user as Record<string, unknown>)
      : undefined;
  const raw = payload.sub ?? payload.userId ?? user?.id;
  if (raw === undefined || raw === null) return null;
  // An id that is present but unusable (1.5, "", an object) stays as sent: the source refuses it.
  return { ...pickKitClaims(user), ...pickKitClaims(payload), sub: subjectId(raw) ?? raw };
}

/**
 * Checks `secret` or `keys` and the algorithms they verify, at start-up: exactly one of the two, a
 * secret for HS256 only and keys never for it (no algorithm confusion). Answers the algorithms.
 */
function checkKeyOptions(label: string, options: SignedCookieOptions): readonly JwsAlgorithm[] {
  const { secret, keys } = options;
  if ((secret === undefined) === (keys === undefined))
    optionError(label, `give exactly one of "secret" (HS256) or "keys" (asymmetric)`);
  const algorithms =
    options.algorithms ?? (secret !== undefined ? ["HS256"] : ["ES256", "EdDSA", "RS256"]);
  if (!Array.isArray(algorithms) || algorithms.length === 0)
    optionError(label, `"algorithms" must list at least one algorithm`);
  for (const alg of algorithms) {
    if (!["HS256", "RS256", "ES256", "EdDSA"].includes(alg))
      optionError(label, `unsupported algorithm ${JSON.stringify(alg)}`);
    if ((alg === "HS256") !== (secret !== undefined))
      optionError(
        label,
        `algorithm ${alg} does not fit ${secret !== undefined ? '"secret"' : '"keys"'}`,
      );
  }
  if (secret !== undefined && typeof secret !== "function") {
    const list = typeof secret === "string" ? [secret] : Array.isArray(secret) ? secret : null;
    if (!list || list.length === 0 || list.some((v) => typeof v !== "string" || v === ""))
      optionError(label, `"secret" must be a non-empty string, a list of them, or a function`);
  }
  if (keys !== undefined && typeof keys !== "function" && !Array.isArray(keys))
    optionError(label, `"keys" must be a key resolver or a list of keys`);
  return algorithms;
}

/**
 * A credential source for an app's own JWS session cookie.
 *
 * @example
 * // lib/auth/session.ts in nextjs/saas-starter signs { user: { id }, expires } with AUTH_SECRET.
 * const session = signedCookie({ secret: () => process.env.AUTH_SECRET });
 * @see docs/sessions.md#your-own-session
 */
export function signedCookie(options: SignedCookieOptions): CredentialSource {
  const label = "signedCookie";
  if (typeof options !== "object" || options === null) optionError(label, "options are required");
  const { maxTokenBytes, cacheMax } = checkCookieSourceOptions(label, options);
  const cookieName = options.cookieName ?? "session";
  const tolerance = checkTolerance(label, options.clockToleranceSec, 0);
  const { secret, keys } = options;
  const algorithms = checkKeyOptions(label, options);
  const staticSecrets =
    typeof secret === "string"
      ? [secret]
      : Array.isArray(secret)
        ? [...(secret as string[])]
        : null;
  const toClaims: ToClaims = options.toClaims ?? defaultSignedCookieClaims;
  const requireExp = options.requireExp ?? true;
  const verifyOptions = {
    algorithms,
    clockToleranceSec: tolerance,
    maxTokenBytes,
    ...(requireExp ? { requiredClaims: ["exp"] } : {}),
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    ...(options.typ === undefined ? {} : { typ: options.typ }),
  };

  const imported = new Map<string, Promise<JwsKey>>();
  const secretKeys = (list: readonly string[]): Promise<JwsKey[]> =>
    Promise.all(
      list.map((value) => {
        let key = imported.get(value);
        if (!key) {
          key = importHmacSecret(value);
          imported.set(value, key);
        }
        return key;
      }),
    );
  const readSecrets = (): readonly string[] => {
    if (staticSecrets) return staticSecrets;
    const value = typeof secret === "function" ? secret() : undefined;
    const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
    if (list.length === 0 || list.some((s) => typeof s !== "string" || s === "")) {
      throw new Error(`${label}: no secret configured (the "secret" function returned nothing)`);
    }
    return list;
  };
  const cache = new VerifiedTokenCache<SourceOutcome>(cacheMax);

  return {
    name: "signed-cookie",
    kind: "session",
    runtime: "edge",
    challenge: cookieChallenge(cookieName),
    async read(request) {
      // The secret first: a missing one is a misconfiguration even for anonymous requests.
      const secrets = secret !== undefined ? readSecrets() : null;
      // jose cookies are never chunked: only the cookie itself is read.
      const header = request.headers.get("cookie");
      const token = header?.includes(cookieName)
        ? parseCookieHeader(header).get(cookieName)
        : undefined;
      if (!token) return { status: "none" };
      if (token.length > maxTokenBytes) return INVALID_SESSION;
      const nowSec = Math.floor(Date.now() / 1000);
      const identity = secrets ? secrets.join("\u0000") : "";
      const hit = cache.get(token, identity, nowSec);
      if (hit) return hit;
      const resolver: JwsKeyResolver = secrets
        ? () => secretKeys(secrets)
        : typeof keys === "function"
          ? keys
          : async () => keys ?? [];
      const verified = await verifyJws(token, resolver, { ...verifyOptions, nowSec });
      if (!verified) return INVALID_SESSION;
      const { claims } = verified;
      const exp = typeof claims.exp === "number" ? claims.exp : undefined;
      const outcome = sessionOutcome("signed-cookie", claims, toClaims, {
        ...(exp === undefined ? {} : { expiresAt: exp }),
      });
      if (exp !== undefined) cache.set(token, identity, outcome, exp, nowSec);
      return outcome;
    },
  };
}
