/**
 * `sealedCookie`: iron-session's sealed cookie (iron-session 9, iron-webcrypto 2), read on Web
 * Crypto with iron-session's own rules: the whole cookie first, else up to four chunks up to the
 * first gap; a password map whose every id unseals; the seal's expiry with 60 s of skew. Edge-safe.
 *
 * @see docs/sessions.md#sealed-cookies-iron-session
 */
import type { CredentialSource, SourceOutcome } from "./credential";
import { unsealIron } from "./iron";
import { defaultSignedCookieClaims } from "./signed-cookie";
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

/** Options of {@link sealedCookie}. */
export interface SealedCookieOptions extends CookieSourceOptions {
  /** iron-session's `cookieName`. */
  readonly cookieName: string;
  /**
   * iron-session's `password`: one password (id 1), or a map `{ 2: newer, 1: older }` where every
   * id unseals (iron seals with the highest). Each at least 32 characters. A function is read per
   * request (`() => process.env.SESSION_PASSWORD`).
   */
  readonly password:
    | string
    | Readonly<Record<string | number, string>>
    | (() => string | Readonly<Record<string | number, string>> | undefined);
}

// Seals sealed with `ttl: 0` never expire; a cached result for one is still re-checked this often.
const NO_EXPIRY_CACHE_SEC = 300;

/**
 * The default mapping: iron-session examples keep `{ userId, isLoggedIn }` or `{ user: { id } }`;
 * `isLoggedIn: false` or no id is no signed-in user. See `defaultSignedCookieClaims`.
 *
 * @example
 * defaultSealedCookieClaims({ userId: 7, isLoggedIn: true }); // { sub: "7" }
 */
export function defaultSealedCookieClaims(
  payload: Readonly<Record<string, unknown>>,
): Record<string, unknown> | null {
  if (payload.isLoggedIn === false) return null;
  return defaultSignedCookieClaims(payload);
}

function passwordMap(label: string, value: unknown): Record<string, string> {
  const map: Record<string, string> =
    typeof value === "string"
      ? { "1": value }
      : typeof value === "object" && value !== null && !Array.isArray(value)
        ? { ...(value as Record<string, string>) }
        : {};
  const entries = Object.entries(map);
  if (entries.length === 0) optionError(label, `"password" must be a string or a map { 1: "..." }`);
  for (const [id, password] of entries) {
    if (!Number.isInteger(Number(id)))
      optionError(label, `password ids must be integers, got "${id}"`);
    if (typeof password !== "string" || password.length < 32) {
      optionError(
        label,
        `every password must be at least 32 characters (as iron-session requires)`,
      );
    }
  }
  return map;
}

/**
 * A credential source for iron-session's sealed cookie.
 *
 * @example
 * const session = sealedCookie({ cookieName: "myapp_session", password: () => process.env.SESSION_PASSWORD });
 * @see docs/sessions.md#sealed-cookies-iron-session
 */
export function sealedCookie(options: SealedCookieOptions): CredentialSource {
  const label = "sealedCookie";
  if (typeof options !== "object" || options === null) optionError(label, "options are required");
  const { maxTokenBytes, cacheMax } = checkCookieSourceOptions(label, options);
  const { cookieName, password } = options;
  if (typeof cookieName !== "string" || cookieName === "")
    optionError(label, `"cookieName" is required`);
  const staticMap = typeof password === "function" ? null : passwordMap(label, password);
  const toClaims: ToClaims = options.toClaims ?? defaultSealedCookieClaims;
  const cache = new VerifiedTokenCache<SourceOutcome>(cacheMax);

  return {
    name: "sealed-cookie",
    kind: "session",
    runtime: "edge",
    challenge: cookieChallenge(cookieName),
    async read(request) {
      let passwords = staticMap;
      if (!passwords) {
        const value = typeof password === "function" ? password() : undefined;
        if (value === undefined || value === "") {
          throw new Error(
            `${label}: no password configured (the "password" function returned nothing)`,
          );
        }
        passwords = passwordMap(label, value);
      }
      const seal = readCookieChunks(
        request.headers.get("cookie"),
        cookieName,
        { onGap: "stop", maxChunks: 4 },
        maxTokenBytes,
      );
      if (seal === null) return { status: "none" };
      if (seal === false) return INVALID_SESSION;
      const nowMs = Date.now();
      const nowSec = Math.floor(nowMs / 1000);
      const identity = JSON.stringify(passwords);
      const hit = cache.get(seal, identity, nowSec);
      if (hit) return hit;
      const unsealed = await unsealIron(seal, passwords, nowMs);
      if (!unsealed) return INVALID_SESSION;
      const { value, expiresAtMs } = unsealed;
      let outcome: SourceOutcome;
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        // iron-session reads a sealed non-object as an empty session: no one is signed in.
        outcome = { status: "none" };
      } else {
        // The seal is accepted until its expiry plus iron's skew; the kit's result ends with it.
        const expiresAt =
          expiresAtMs === undefined ? undefined : Math.floor(expiresAtMs / 1000) + 60;
        outcome = sessionOutcome("sealed-cookie", value as Record<string, unknown>, toClaims, {
          ...(expiresAt === undefined ? {} : { expiresAt }),
        });
      }
      const cacheUntil =
        expiresAtMs === undefined ? nowSec + NO_EXPIRY_CACHE_SEC : Math.floor(expiresAtMs / 1000);
      cache.set(seal, identity, outcome, cacheUntil, nowSec);
      return outcome;
    },
  };
}
