/**
 * The parts every signed or sealed cookie source shares: option checks at definition, the chunk
 * reader with each library's own precedence and gap rule, the verified-token cache bounded by
 * expiry, subject ids (numbers mapped to strings), and the `ok` outcome. Internal: apps use
 * `supabaseSession`, `clerkSession`, `signedCookie` and `sealedCookie`.
 *
 * @see docs/sessions.md#your-own-session
 */
import { AuthzConfigError } from "../errors";
import { parseCookieHeader } from "./cookies";
import type { Authenticated, Challenge, SourceOutcome } from "./credential";
import type { SessionClaims } from "./source";

/**
 * Maps a verified payload into the kit's claims (`sub`, `email`, `name`, `role`/`roles`, `tenant`,
 * `plan`, ...); `null` when the payload holds no signed-in user (the source answers "none").
 */
export type ToClaims = (payload: Readonly<Record<string, unknown>>) => SessionClaims | null;

/** How a library reassembles `name.0`, `name.1`, ...: the whole cookie always wins first. */
export interface ChunkPolicy {
  /** `"refuse"`: a gap voids the value (Auth.js). `"stop"`: read up to the first gap (Supabase, iron). */
  readonly onGap: "refuse" | "stop";
  /** Most chunks read (iron-session reads 4). @default Infinity */
  readonly maxChunks?: number;
}

/**
 * Reads a cookie whole or from its chunks under a library's policy; null when absent or empty,
 * `false` when longer than `maxLength` characters (checked while joining, so a flood costs nothing).
 *
 * @example
 * readCookieChunks("sb-x-auth-token.0=ab; sb-x-auth-token.1=cd", "sb-x-auth-token", { onGap: "stop" }, 4096); // "abcd"
 */
export function readCookieChunks(
  header: string | null | undefined,
  name: string,
  policy: ChunkPolicy,
  maxLength: number,
): string | null | false {
  if (!header || !header.includes(name)) return null;
  const cookies = parseCookieHeader(header);
  const whole = cookies.get(name);
  if (whole) return whole.length > maxLength ? false : whole;
  const limit = policy.maxChunks ?? Number.POSITIVE_INFINITY;
  let joined = "";
  let index = 0;
  for (; index < limit; index++) {
    const chunk = cookies.get(`${name}.${index}`);
    if (!chunk) break;
    joined += chunk;
    if (joined.length > maxLength) return false;
  }
  if (joined === "") return null;
  if (policy.onGap === "refuse") {
    // Any chunk past the first gap means the set is not one write's: refuse it whole.
    const prefix = `${name}.`;
    for (const cookieName of cookies.keys()) {
      if (!cookieName.startsWith(prefix)) continue;
      const suffix = cookieName.slice(prefix.length);
      if (/^(?:0|[1-9][0-9]*)$/.test(suffix) && Number(suffix) >= index) return null;
    }
  }
  return joined;
}

/**
 * A user id as the kit needs it: a non-empty string, or a safe integer written in decimal (apps
 * whose users table has numeric keys); anything else is `undefined`.
 *
 * @example
 * subjectId(1); // "1"
 * subjectId(""); // undefined
 */
export function subjectId(value: unknown): string | undefined {
  if (typeof value === "string") return value.length > 0 ? value : undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

interface CacheEntry<T> {
  readonly value: T;
  readonly expSec: number;
  readonly identity: string;
}

/**
 * Verified tokens by their exact string, served strictly before their expiry and only under the
 * keys they were verified with; least recently used first out.
 *
 * @example
 * const cache = new VerifiedTokenCache<Authenticated>(1000);
 */
export class VerifiedTokenCache<T> {
  readonly #entries = new Map<string, CacheEntry<T>>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** The cached value, or undefined on a miss, an expiry or another key identity. */
  get(token: string, identity: string, nowSec: number): T | undefined {
    if (this.#max === 0) return undefined;
    const hit = this.#entries.get(token);
    if (!hit) return undefined;
    this.#entries.delete(token);
    if (hit.identity !== identity || nowSec >= hit.expSec) return undefined;
    this.#entries.set(token, hit);
    return hit.value;
  }

  /** Keeps a value until `expSec` (Unix seconds); values without a finite expiry are not kept. */
  set(token: string, identity: string, value: T, expSec: number, nowSec: number): void {
    if (this.#max === 0 || !Number.isFinite(expSec) || nowSec >= expSec) return;
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { value, expSec, identity });
  }
}

/** Options every cookie source takes. */
export interface CookieSourceOptions {
  /** Largest cookie value (after chunks are joined), in characters. @default 16384 */
  readonly maxTokenBytes?: number;
  /** Verified-token cache; `false` turns it off. @default { max: 1000 } */
  readonly cache?: false | { readonly max?: number };
  /** Maps the verified payload into the kit's claims; each source has a default. */
  readonly toClaims?: ToClaims;
}

// RFC 6265 token characters: a name outside them could never be sent back by a browser.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Throws the kit's configuration error for `label`'s options. */
export function optionError(label: string, why: string): never {
  throw new AuthzConfigError("invalid_session_options", `${label} options`, why);
}

/** Validates the shared options once, at definition; returns the numbers to use. */
export function checkCookieSourceOptions(
  label: string,
  options: CookieSourceOptions & { readonly cookieName?: unknown },
): { maxTokenBytes: number; cacheMax: number } {
  if (
    options.cookieName !== undefined &&
    (typeof options.cookieName !== "string" || !COOKIE_NAME.test(options.cookieName))
  ) {
    optionError(label, `invalid "cookieName": ${String(options.cookieName)}`);
  }
  const maxTokenBytes = options.maxTokenBytes ?? 16 * 1024;
  if (!Number.isSafeInteger(maxTokenBytes) || maxTokenBytes < 1) {
    optionError(label, `"maxTokenBytes" must be a positive integer`);
  }
  let cacheMax = 0;
  if (options.cache !== false) {
    cacheMax = options.cache?.max ?? 1000;
    if (!Number.isSafeInteger(cacheMax) || cacheMax < 1) {
      optionError(label, `"cache.max" must be a positive integer (use cache: false to disable)`);
    }
  }
  if (options.toClaims !== undefined && typeof options.toClaims !== "function") {
    optionError(label, `"toClaims" must be a function`);
  }
  return { maxTokenBytes, cacheMax };
}

/** Validates a clock tolerance in seconds at definition. */
export function checkTolerance(label: string, value: unknown, fallback: number): number {
  const tolerance = value ?? fallback;
  if (typeof tolerance !== "number" || !Number.isFinite(tolerance) || tolerance < 0) {
    optionError(label, `"clockToleranceSec" must be a finite number >= 0`);
  }
  return tolerance;
}

/** What a source knows besides the claims, for the `ok` outcome. */
export interface SessionFacts {
  readonly expiresAt?: number;
  readonly authTime?: number;
  readonly sessionId?: string;
  readonly amr?: readonly string[];
  readonly acr?: string;
}

/**
 * The outcome for a verified payload: `none` when `toClaims` finds no user, `invalid` when the
 * mapped `sub` is not a usable id, `ok` otherwise (with `sub` normalised to a string).
 *
 * @example
 * const outcome = sessionOutcome("clerk", payload, toClaims, { expiresAt: payload.exp });
 */
export function sessionOutcome(
  source: string,
  payload: Readonly<Record<string, unknown>>,
  toClaims: ToClaims,
  facts: SessionFacts,
): SourceOutcome {
  const claims = toClaims(payload);
  if (claims === null) return { status: "none" };
  if (typeof claims !== "object") {
    return {
      status: "invalid",
      error: "invalid_token",
      description: "toClaims returned no object",
    };
  }
  const sub = subjectId(claims.sub);
  if (sub === undefined) {
    return { status: "invalid", error: "invalid_token", description: "the session has no user id" };
  }
  const auth: Authenticated = {
    claims: Object.freeze({ ...claims, sub }),
    kind: "user",
    credential: "session",
    source,
    ...(facts.expiresAt === undefined ? {} : { expiresAt: facts.expiresAt }),
    ...(facts.authTime === undefined ? {} : { authTime: facts.authTime }),
    ...(facts.sessionId === undefined ? {} : { sessionId: facts.sessionId }),
    ...(facts.amr === undefined ? {} : { amr: facts.amr }),
    ...(facts.acr === undefined ? {} : { acr: facts.acr }),
  };
  return { status: "ok", auth: Object.freeze(auth) };
}

/** The `invalid` outcome for a credential that failed verification. */
export const INVALID_SESSION: SourceOutcome = Object.freeze({
  status: "invalid",
  error: "invalid_token",
  description: "the session cookie is not valid",
});

/** The 401 challenge share of a cookie source: the cookie it reads. */
export function cookieChallenge(cookieName: string): Challenge {
  return { scheme: "Cookie", params: { realm: "app", "cookie-name": cookieName } };
}

/** Picks the kit's vocabulary fields that are present on `value` (never anything else). */
export function pickKitClaims(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return out;
  const record = value as Record<string, unknown>;
  for (const field of ["email", "name", "role", "roles", "tenant", "plan"] as const) {
    if (Object.hasOwn(record, field) && record[field] !== undefined) out[field] = record[field];
  }
  return out;
}
