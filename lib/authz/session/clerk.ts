/**
 * `clerkSession`: Clerk's `__session` cookie verified without a network call, with the rules of
 * `verifyToken` from @clerk/backend (RS256, `typ` absent or `JWT`, `sub` required, `azp` among the
 * authorized parties, skew 5 s on `exp`/`nbf`/`iat`, a future `iat` refused, machine tokens refused)
 * and of Clerk's auth object (`sts: "pending"` is signed out; v1 and v2 org claims). Edge-safe.
 *
 * @see docs/sessions.md#clerk
 */
import { parseCookieHeader } from "./cookies";
import type { CredentialSource, SourceOutcome } from "./credential";
import { importSpkiPem, verifyJws, type JwsKey, type JwsKeyResolver } from "./jws";
import { jwksCache } from "./jwks";
import {
  INVALID_SESSION,
  VerifiedTokenCache,
  checkCookieSourceOptions,
  cookieChallenge,
  optionError,
  pickKitClaims,
  sessionOutcome,
  type CookieSourceOptions,
  type ToClaims,
} from "./token-source";

/** Options of {@link clerkSession}. */
export interface ClerkSessionOptions extends CookieSourceOptions {
  /**
   * The instance's PEM public key (`CLERK_JWT_KEY`, Dashboard → API keys): no network at all.
   * Give this or `jwksUrl`.
   */
  readonly jwtKey?: string;
  /** The Frontend API's `/.well-known/jwks.json`, cached by `jwksCache`, instead of `jwtKey`. */
  readonly jwksUrl?: string;
  /**
   * Origins allowed as the token's `azp` (your app's origins): required, as Clerk's docs ask, so a
   * token minted for another site of the same instance is refused.
   */
  readonly authorizedParties: readonly string[];
  /** Required `iss` (the Frontend API URL); not checked when absent, as in Clerk. */
  readonly issuer?: string;
  /** The cookie; `__session_<suffix>` when several apps share a domain. @default "__session" */
  readonly cookieName?: string;
  /** Treat `sts: "pending"` sessions as signed in (Clerk's `treatPendingAsSignedOut: false`). @default false */
  readonly acceptPending?: boolean;
}

// Clerk's machine-to-machine token category (@clerk/backend `JWT_CATEGORY_M2M_TOKEN`).
const M2M_CATEGORY = "cl_B7d4PD333AAA";
const CLERK_SKEW_SEC = 5;

/** Clerk v2's `fpm` entry: a decimal bit set, least significant bit = first permission. */
function permissionBits(decimal: string): boolean[] {
  if (!/^\d+$/.test(decimal)) return [];
  const bits: boolean[] = [];
  let value = BigInt(decimal);
  // BigInt(n), not n-literals: create-next-app's tsconfig targets ES2017, where literals do not compile.
  const zero = BigInt(0);
  const one = BigInt(1);
  while (value > zero) {
    bits.push((value & one) === one);
    value >>= one;
  }
  return bits;
}

/** The active org of a v1 or v2 session token, as Clerk's auth object reads it; throws on bad `fea`. */
export function clerkOrganization(payload: Readonly<Record<string, unknown>>): {
  id?: string;
  role?: string;
  slug?: string;
  permissions?: readonly string[];
} {
  if (payload.v === 2) {
    const o = payload.o;
    if (typeof o !== "object" || o === null) return {};
    const org = o as Record<string, unknown>;
    const features: string[] = [];
    if (typeof payload.fea === "string" && payload.fea !== "") {
      for (const raw of payload.fea.split(",")) {
        const part = raw.trim();
        const colon = part.indexOf(":");
        if (colon === -1) throw new Error("Invalid claim element (missing colon)");
        if (part.slice(0, colon) === "o") features.push(part.slice(colon + 1));
      }
    }
    const permissions: string[] = [];
    if (
      typeof org.per === "string" &&
      org.per !== "" &&
      typeof org.fpm === "string" &&
      org.fpm !== ""
    ) {
      const names = org.per.split(",").map((p) => p.trim());
      const maps = org.fpm.split(",").map((entry) => permissionBits(entry.trim()));
      features.forEach((feature, index) => {
        const bits = maps[index] ?? [];
        for (let i = 0; i < bits.length && i < names.length; i++) {
          if (bits[i]) permissions.push(`org:${feature}:${names[i]}`);
        }
      });
    }
    return {
      ...(typeof org.id === "string" ? { id: org.id } : {}),
      ...(typeof org.rol === "string" && org.rol !== "" ? { role: `org:${org.rol}` } : {}),
      ...(typeof org.slg === "string" ? { slug: org.slg } : {}),
      permissions,
    };
  }
  const perms = payload.org_permissions;
  return {
    ...(typeof payload.org_id === "string" ? { id: payload.org_id } : {}),
    ...(typeof payload.org_role === "string" ? { role: payload.org_role } : {}),
    ...(typeof payload.org_slug === "string" ? { slug: payload.org_slug } : {}),
    ...(Array.isArray(perms) ? { permissions: perms.filter((p) => typeof p === "string") } : {}),
  };
}

/**
 * The default mapping into the kit's vocabulary: `sub`; the active org as `tenant` and as the one
 * membership `orgs: { [orgId]: role }` with Clerk's `org:` prefix removed (`org:admin` → `admin`);
 * `orgSlug` and `orgPermissions`; and any of the kit's fields (`email`, `role`, `plan`, ...) that
 * a custom session-token template adds.
 *
 * @example
 * defaultClerkClaims({ sub: "user_1", v: 2, o: { id: "org_1", rol: "admin" } });
 * // { sub: "user_1", tenant: "org_1", orgs: { org_1: "admin" }, orgPermissions: [] }
 */
export function defaultClerkClaims(
  payload: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const org = clerkOrganization(payload);
  const role = org.role?.startsWith("org:") ? org.role.slice(4) : org.role;
  return {
    ...pickKitClaims(payload),
    sub: payload.sub,
    ...(org.id !== undefined ? { tenant: org.id } : {}),
    ...(org.id !== undefined && role !== undefined ? { orgs: { [org.id]: role } } : {}),
    ...(org.slug !== undefined ? { orgSlug: org.slug } : {}),
    ...(org.permissions !== undefined ? { orgPermissions: org.permissions } : {}),
  };
}

/**
 * A credential source for Clerk sessions, verified locally.
 *
 * @example
 * const session = clerkSession({
 *   jwtKey: process.env.CLERK_JWT_KEY!,
 *   authorizedParties: ["https://app.example.com"],
 * });
 * @see docs/sessions.md#clerk
 */
export function clerkSession(options: ClerkSessionOptions): CredentialSource {
  const label = "clerkSession";
  if (typeof options !== "object" || options === null) optionError(label, "options are required");
  const { maxTokenBytes, cacheMax } = checkCookieSourceOptions(label, options);
  const { jwtKey, jwksUrl, authorizedParties, issuer } = options;
  if ((jwtKey === undefined) === (jwksUrl === undefined)) {
    optionError(label, `give exactly one of "jwtKey" (PEM, no network) or "jwksUrl"`);
  }
  if (
    jwtKey !== undefined &&
    (typeof jwtKey !== "string" || !jwtKey.includes("BEGIN PUBLIC KEY"))
  ) {
    optionError(label, `"jwtKey" must be the PEM public key (-----BEGIN PUBLIC KEY-----)`);
  }
  if (
    !Array.isArray(authorizedParties) ||
    authorizedParties.length === 0 ||
    authorizedParties.some((p) => typeof p !== "string" || !/^https?:\/\/[^/]+$/.test(p))
  ) {
    optionError(
      label,
      `"authorizedParties" must list your app's origins (e.g. "https://app.example.com"), without a path`,
    );
  }
  const cookieName = options.cookieName ?? "__session";
  const toClaims: ToClaims = options.toClaims ?? defaultClerkClaims;
  const acceptPending = options.acceptPending === true;

  let resolver: JwsKeyResolver;
  if (jwtKey !== undefined) {
    let key: Promise<JwsKey> | null = null;
    resolver = async () => {
      // Imported on first use (Web Crypto is async); a PEM that does not import throws: 503.
      key ??= importSpkiPem(jwtKey, "RS256");
      return [await key];
    };
  } else {
    resolver = jwksCache({ url: jwksUrl as string, issuer, algorithms: ["RS256"] });
  }
  const cache = new VerifiedTokenCache<SourceOutcome>(cacheMax);

  return {
    name: "clerk",
    kind: "session",
    runtime: "edge",
    challenge: cookieChallenge(cookieName),
    async read(request) {
      const header = request.headers.get("cookie");
      const token = header?.includes(cookieName)
        ? parseCookieHeader(header).get(cookieName)
        : undefined;
      if (!token) return { status: "none" };
      if (token.length > maxTokenBytes) return INVALID_SESSION;
      const nowSec = Math.floor(Date.now() / 1000);
      const hit = cache.get(token, "", nowSec);
      if (hit) return hit;

      const verified = await verifyJws(token, resolver, {
        algorithms: ["RS256"],
        clockToleranceSec: CLERK_SKEW_SEC,
        rejectFutureIat: true,
        requiredClaims: ["exp"],
        maxTokenBytes,
        nowSec,
        ...(issuer === undefined ? {} : { issuer }),
      });
      if (!verified) return INVALID_SESSION;
      const { header: jwsHeader, claims } = verified;
      // verifyToken: `typ` absent or exactly "JWT"; machine tokens are not sessions.
      if (jwsHeader.typ !== undefined && jwsHeader.typ !== "JWT") return INVALID_SESSION;
      if (jwsHeader.raw.cat === M2M_CATEGORY) return INVALID_SESSION;
      if (typeof claims.sub !== "string" || typeof claims.exp !== "number") return INVALID_SESSION;
      if (typeof claims.azp !== "string" || !authorizedParties.includes(claims.azp)) {
        return INVALID_SESSION;
      }
      // Clerk checks `aud` only when both the option and the claim exist; the kit sets no option.
      let outcome: SourceOutcome;
      if (claims.sts === "pending" && !acceptPending) {
        outcome = { status: "none" };
      } else {
        try {
          clerkOrganization(claims);
        } catch {
          return INVALID_SESSION;
        }
        const fva = claims.fva;
        const firstFactorMinutes = Array.isArray(fva) && typeof fva[0] === "number" ? fva[0] : -1;
        const iat = typeof claims.iat === "number" ? claims.iat : undefined;
        outcome = sessionOutcome("clerk", claims, toClaims, {
          expiresAt: claims.exp,
          ...(typeof claims.sid === "string" ? { sessionId: claims.sid } : {}),
          ...(iat !== undefined && firstFactorMinutes >= 0
            ? { authTime: iat - firstFactorMinutes * 60 }
            : {}),
        });
      }
      cache.set(token, "", outcome, claims.exp, nowSec);
      return outcome;
    },
  };
}
