/**
 * Cost of reading a Better Auth session, in µs per call on one core, for each cookie cache strategy
 * the Edge source reads: the kit cold (its result cache off: HMAC of the token plus the cache's
 * HMAC or JWE every call, keys imported once), the kit warm (result cache on), and Better Auth's own
 * `getCookieCache` (better-auth/cookies) and `auth.api.getSession` (served from the cookie cache)
 * as the baselines. The cookies are the ones Better Auth wrote on sign-up. Rounds alternate and
 * each figure keeps its best round, as bench/session-read.bench.ts does.
 */
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { getCookieCache } from "better-auth/cookies";
import { betterAuthSession } from "../lib/authz/session/better-auth";
import { perCallUs, roundUs } from "./timing";

const SECRET = "bench-secret-0123456789abcdef0123456789abcdef";

/** µs per call of each reader for one strategy. */
export interface BetterAuthReadFigures {
  readonly kitColdUs: number;
  readonly kitWarmUs: number;
  readonly getCookieCacheUs: number;
  readonly getSessionUs: number;
}

/**
 * A Better Auth instance on its memory adapter and the cookies its sign-up wrote, the cookie cache
 * valid for `cacheMaxAgeSec` (Better Auth's default 300 s; the HTTP bench outlasts that).
 *
 * @example
 * const { cookie } = await signedUpCookie("compact", 3600);
 */
export async function signedUpCookie(strategy: "compact" | "jwt" | "jwe", cacheMaxAgeSec = 300) {
  const auth = betterAuth({
    secret: SECRET,
    baseURL: "http://localhost:3000",
    telemetry: { enabled: false },
    logger: { disabled: true },
    database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
    emailAndPassword: { enabled: true },
    session: { cookieCache: { enabled: true, strategy, maxAge: cacheMaxAgeSec } },
  });
  const response = await auth.api.signUpEmail({
    body: { email: "alice@example.com", password: "bench-password", name: "Alice" },
    asResponse: true,
  });
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  return { auth, cookie };
}

/**
 * Measures the four Better Auth session reads per strategy; `scale` shrinks the iteration counts
 * (a smoke run that only proves the cases execute).
 *
 * @example
 * const { compact, jwe } = await benchBetterAuthRead();
 */
export async function benchBetterAuthRead(
  scale = 1,
): Promise<Record<"compact" | "jwt" | "jwe", BetterAuthReadFigures>> {
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  const out = {} as Record<"compact" | "jwt" | "jwe", BetterAuthReadFigures>;
  for (const strategy of ["compact", "jwt", "jwe"] as const) {
    const { auth, cookie } = await signedUpCookie(strategy);
    const request = new Request("http://localhost:3000/api/me", { headers: { cookie } });
    const headers = new Headers({ cookie });
    const cold = betterAuthSession({ secret: SECRET, strategy, secure: false, cache: false });
    const warm = betterAuthSession({ secret: SECRET, strategy, secure: false });
    const outcome = await cold.read(request);
    const theirs = await getCookieCache(headers, { secret: SECRET, strategy, isSecure: false });
    const session = await auth.api.getSession({ headers });
    if (outcome.status !== "ok" || !theirs || !session)
      throw new Error(`benchBetterAuthRead: a reader did not read the ${strategy} session`);

    let kitColdUs = Infinity;
    let kitWarmUs = Infinity;
    let getCookieCacheUs = Infinity;
    let getSessionUs = Infinity;
    for (let pass = 0; pass < 5; pass++) {
      kitColdUs = Math.min(kitColdUs, await perCallUs(n(1000), () => cold.read(request), n(100)));
      kitWarmUs = Math.min(kitWarmUs, await perCallUs(n(20_000), () => warm.read(request), n(500)));
      getCookieCacheUs = Math.min(
        getCookieCacheUs,
        await perCallUs(
          n(500),
          () => getCookieCache(headers, { secret: SECRET, strategy, isSecure: false }),
          n(50),
        ),
      );
      getSessionUs = Math.min(
        getSessionUs,
        await perCallUs(n(500), () => auth.api.getSession({ headers }), n(50)),
      );
    }
    out[strategy] = {
      kitColdUs: roundUs(kitColdUs),
      kitWarmUs: roundUs(kitWarmUs),
      getCookieCacheUs: roundUs(getCookieCacheUs),
      getSessionUs: roundUs(getSessionUs),
    };
  }
  return out;
}
