/**
 * `supabaseSession`: the `sb-<project ref>-auth-token` cookie that @supabase/ssr writes (whole or
 * in chunks, `base64-` prefixed JSON), its access token verified like `auth.getClaims()` does
 * (the project's JWKS, ES256 or RS256, `exp` with no tolerance), or with the legacy HS256 JWT
 * secret. `anon` and `service_role` tokens are refused: they are API keys, not signed-in users.
 * Edge-safe; no refresh (Supabase's own middleware refreshes, so run the kit after it).
 *
 * @see docs/sessions.md#supabase
 */
import { base64UrlDecode } from "./base64url";
import type { CredentialSource, SourceOutcome } from "./credential";
import { importHmacSecret, verifyJws, type JwsKey, type JwsKeyResolver } from "./jws";
import { jwksCache } from "./jwks";
import type { SecretInput } from "./jwt-cookie-source";
import {
  INVALID_SESSION,
  VerifiedTokenCache,
  checkCookieSourceOptions,
  cookieChallenge,
  optionError,
  readCookieChunks,
  sessionOutcome,
  type CookieSourceOptions,
  type ToClaims,
} from "./token-source";

/** Options of {@link supabaseSession}. */
export interface SupabaseSessionOptions extends CookieSourceOptions {
  /** The project URL (`NEXT_PUBLIC_SUPABASE_URL`): names the cookie and the JWKS. */
  readonly url: string;
  /**
   * The legacy JWT secret, for projects still signing with HS256 (a minting key: prefer the
   * asymmetric signing keys, which need nothing here). A list enables rotation.
   */
  readonly jwtSecret?: SecretInput;
  /** Set `false` to use only `jwtSecret`. @default `${url}/auth/v1/.well-known/jwks.json` */
  readonly jwksUrl?: string | false;
  /** The fetch the JWKS cache uses (custom transports, tests). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The cookie; @supabase/ssr's `cookieOptions.name` when the app changed it. @default `sb-<ref>-auth-token` */
  readonly cookieName?: string;
  /** Required `aud`. @default "authenticated" */
  readonly audience?: string;
  /** Required `iss` (`${url}/auth/v1`, or the custom domain's); not checked when absent, as in getClaims. */
  readonly issuer?: string;
}

/** Postgres roles whose tokens are API keys, never a signed-in user. */
const REFUSED_ROLES = new Set(["anon", "service_role"]);

function amrMethods(amr: unknown): { methods?: string[]; last?: number } {
  if (!Array.isArray(amr)) return {};
  const methods: string[] = [];
  let last: number | undefined;
  for (const entry of amr) {
    if (typeof entry === "string") methods.push(entry);
    else if (typeof entry === "object" && entry !== null) {
      const { method, timestamp } = entry as { method?: unknown; timestamp?: unknown };
      if (typeof method === "string") methods.push(method);
      if (typeof timestamp === "number" && (last === undefined || timestamp > last))
        last = timestamp;
    }
  }
  return { methods, ...(last === undefined ? {} : { last }) };
}

/**
 * The default mapping: `sub`, `email`, `phone`, `isAnonymous`. Supabase's `role` is a Postgres
 * role ("authenticated"), never the kit's role: an app maps its own (from `app_metadata` or a
 * custom access-token hook) in `toClaims`.
 *
 * @example
 * defaultSupabaseClaims({ sub: "uuid", role: "authenticated", email: "a@b.c" }); // { sub: "uuid", email: "a@b.c" }
 */
export function defaultSupabaseClaims(
  payload: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    sub: payload.sub,
    ...(typeof payload.email === "string" && payload.email !== "" ? { email: payload.email } : {}),
    ...(typeof payload.phone === "string" && payload.phone !== "" ? { phone: payload.phone } : {}),
    ...(payload.is_anonymous === true ? { isAnonymous: true } : {}),
  };
}

/** The session JSON inside the cookie, as auth-js accepts it from storage; null when absent. */
function accessTokenOf(value: string): string | null {
  let json = value;
  if (value.startsWith("base64-")) {
    const bytes = base64UrlDecode(value.slice("base64-".length));
    if (!bytes) return null;
    try {
      json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
  }
  let session: unknown;
  try {
    session = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof session !== "object" || session === null) return null;
  // auth-js's `_isValidSession`: these three members, or the stored value is no session.
  if (!("access_token" in session && "refresh_token" in session && "expires_at" in session)) {
    return null;
  }
  const token = (session as { access_token: unknown }).access_token;
  return typeof token === "string" && token !== "" ? token : null;
}

/**
 * A credential source for Supabase Auth sessions.
 *
 * @example
 * const session = supabaseSession({ url: process.env.NEXT_PUBLIC_SUPABASE_URL! });
 * @see docs/sessions.md#supabase
 */
export function supabaseSession(options: SupabaseSessionOptions): CredentialSource {
  const label = "supabaseSession";
  if (typeof options !== "object" || options === null) optionError(label, "options are required");
  const { maxTokenBytes, cacheMax } = checkCookieSourceOptions(label, options);
  let project: URL | null = null;
  try {
    project = new URL(options.url);
  } catch {
    optionError(label, `"url" must be the project URL, e.g. https://<ref>.supabase.co`);
  }
  if (!project) return optionError(label, `"url" is required`);
  const ref = project.hostname.split(".")[0] ?? "";
  const cookieName = options.cookieName ?? `sb-${ref}-auth-token`;
  const { jwtSecret } = options;
  const jwksUrl =
    options.jwksUrl === false
      ? null
      : (options.jwksUrl ?? `${project.origin}/auth/v1/.well-known/jwks.json`);
  if (jwksUrl === null && jwtSecret === undefined) {
    optionError(label, `with "jwksUrl: false", "jwtSecret" is required`);
  }
  const staticSecrets =
    typeof jwtSecret === "string"
      ? [jwtSecret]
      : Array.isArray(jwtSecret)
        ? [...(jwtSecret as string[])]
        : null;
  if (jwtSecret !== undefined && typeof jwtSecret !== "function") {
    if (!staticSecrets || staticSecrets.length === 0 || staticSecrets.some((s) => !s)) {
      optionError(label, `"jwtSecret" must be a non-empty string, a list of them, or a function`);
    }
  }
  const audience = options.audience ?? "authenticated";
  const toClaims: ToClaims = options.toClaims ?? defaultSupabaseClaims;
  const remote: JwsKeyResolver | null =
    jwksUrl === null
      ? null
      : jwksCache({
          url: jwksUrl,
          issuer: `${project.origin}/auth/v1`,
          algorithms: ["ES256", "RS256"],
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
  const imported = new Map<string, Promise<JwsKey>>();
  const readSecrets = (): readonly string[] => {
    if (staticSecrets) return staticSecrets;
    if (typeof jwtSecret !== "function") return [];
    const value = jwtSecret();
    const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
    if (list.length === 0 || list.some((s) => typeof s !== "string" || s === "")) {
      throw new Error(
        `${label}: no JWT secret configured (the "jwtSecret" function returned nothing)`,
      );
    }
    return list;
  };
  const algorithms = [
    ...(remote ? (["ES256", "RS256"] as const) : []),
    ...(jwtSecret !== undefined ? (["HS256"] as const) : []),
  ];
  const cache = new VerifiedTokenCache<SourceOutcome>(cacheMax);

  return {
    name: "supabase",
    kind: "session",
    runtime: "edge",
    challenge: cookieChallenge(cookieName),
    async read(request) {
      const secrets = jwtSecret !== undefined ? readSecrets() : [];
      const value = readCookieChunks(
        request.headers.get("cookie"),
        cookieName,
        { onGap: "stop" },
        // base64 and the session JSON around the token: allow the token's limit twice over.
        maxTokenBytes * 2,
      );
      if (value === null) return { status: "none" };
      if (value === false) return INVALID_SESSION;
      // Keyed by the cookie value itself: a repeat skips the decoding as well as the signature.
      const nowSec = Math.floor(Date.now() / 1000);
      const identity = secrets.join("\u0000");
      const hit = cache.get(value, identity, nowSec);
      if (hit) return hit;
      // Chunks of different writes, or any value auth-js would not parse, is no session there.
      const token = accessTokenOf(value);
      if (token === null) return { status: "none" };

      const resolver: JwsKeyResolver = async (header) => {
        if (header.alg === "HS256") {
          return Promise.all(
            secrets.map((secret) => {
              let key = imported.get(secret);
              if (!key) {
                key = importHmacSecret(secret);
                imported.set(secret, key);
              }
              return key;
            }),
          );
        }
        return remote ? remote(header) : [];
      };
      const verified = await verifyJws(token, resolver, {
        algorithms,
        clockToleranceSec: 0,
        requiredClaims: ["exp"],
        audience,
        maxTokenBytes,
        nowSec,
        ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      });
      if (!verified) return INVALID_SESSION;
      const { claims } = verified;
      // getClaims: a falsy `exp` is "Missing exp claim".
      if (typeof claims.exp !== "number" || claims.exp === 0) return INVALID_SESSION;
      if (typeof claims.role === "string" && REFUSED_ROLES.has(claims.role)) {
        return {
          status: "invalid",
          error: "invalid_token",
          description: `a ${claims.role} token is an API key, not a signed-in user`,
        };
      }
      const amr = amrMethods(claims.amr);
      const outcome = sessionOutcome("supabase", claims, toClaims, {
        expiresAt: claims.exp,
        ...(typeof claims.session_id === "string" ? { sessionId: claims.session_id } : {}),
        ...(amr.methods ? { amr: amr.methods } : {}),
        ...(amr.last === undefined ? {} : { authTime: amr.last }),
        ...(typeof claims.aal === "string" ? { acr: claims.aal } : {}),
      });
      cache.set(value, identity, outcome, claims.exp, nowSec);
      return outcome;
    },
  };
}
