/**
 * lib/authz/session/better-auth.ts against Better Auth itself: every cookie here is one Better Auth
 * wrote (sign-up, sign-in), or one of them changed the way an attacker or a stale browser would; and
 * every case is decided by `auth.api.getSession` twice, with its session rows present and gone.
 * The kit must answer:
 * - "ok" (same user) exactly when Better Auth accepts from the cookie cache alone;
 * - "invalid" exactly when Better Auth refuses even with its database;
 * - "unknown" exactly when Better Auth needs its database to say yes;
 * - "none" when no session token is sent at all.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  betterAuthClaims,
  betterAuthSession,
  parseBetterAuthRoles,
  type BetterAuthSessionOptions,
} from "@/lib/authz/session/better-auth";
import type { SourceOutcome } from "@/lib/authz/session/credential";
import { expectConfigError } from "../support/config-error";
import {
  TEST_SECRET,
  oracle,
  oracleFromCacheOnly,
  signIn,
  signUp,
  testAuth,
  type TestAuth,
} from "../support/better-auth";

type Strategy = "compact" | "jwt" | "jwe";
const STRATEGIES: readonly Strategy[] = ["compact", "jwt", "jwe"];

const request = (cookie: string) =>
  new Request("http://localhost:3000/api/me", cookie ? { headers: { cookie } } : {});

function cookieMap(header: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of header.split("; ")) {
    const eq = pair.indexOf("=");
    if (eq > 0) map.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return map;
}
const join = (map: Map<string, string>) => [...map].map(([k, v]) => `${k}=${v}`).join("; ");

/** Changes one character of a base64 string at `index` (counted from the end when negative). */
function flip(value: string, index: number): string {
  const i = index < 0 ? value.length + index : index;
  const c = value[i];
  return value.slice(0, i) + (c === "A" ? "B" : "A") + value.slice(i + 1);
}

type Verdict = "ok" | "invalid" | "unknown" | "none";

/** What Better Auth's two answers say the kit's outcome must be. */
function expectedVerdict(c: Case, withDb: string | null, cacheOnly: string | null): Verdict {
  if (cacheOnly !== null) return "ok";
  if (withDb !== null) return "unknown";
  // Refused by Better Auth: "none" when the configuration's own token cookie is not even sent.
  const name = `${c.kit.secure ? "__Secure-" : ""}${c.kit.cookiePrefix ?? "better-auth"}.session_token`;
  return cookieMap(c.cookie).get(name) ? "invalid" : "none";
}

interface Case {
  readonly name: string;
  readonly cookie: string;
  readonly auth: TestAuth;
  readonly db: Record<string, unknown[]>;
  readonly kit: BetterAuthSessionOptions;
  /** What the case is about, checked besides the equality (so a wrong corpus cannot pass quietly). */
  readonly expect: Verdict;
  readonly user?: string;
}

async function decide(c: Case) {
  const withDb = await oracle(c.auth, c.cookie);
  const cacheOnly = await oracleFromCacheOnly(c.auth, c.db, c.cookie);
  const outcome: SourceOutcome = await betterAuthSession({ ...c.kit, cache: false }).read(
    request(c.cookie),
  );
  const cachedSource = betterAuthSession(c.kit);
  const first = await cachedSource.read(request(c.cookie));
  const second = await cachedSource.read(request(c.cookie));
  return { withDb, cacheOnly, outcome, first, second };
}

async function check(c: Case) {
  const { withDb, cacheOnly, outcome, first, second } = await decide(c);
  const verdict = expectedVerdict(c, withDb, cacheOnly);
  expect({ case: c.name, oracle: verdict }).toEqual({ case: c.name, oracle: c.expect });
  expect({ case: c.name, kit: outcome.status }).toEqual({ case: c.name, kit: verdict });
  // The verified-result cache never changes an answer.
  expect(first.status).toBe(outcome.status);
  expect(second.status).toBe(outcome.status);
  if (outcome.status === "ok") {
    expect(outcome.auth.claims.sub).toBe(cacheOnly);
    if (c.user) expect(outcome.auth.claims.sub).toBe(c.user);
    // A string version lets the second read be a cache hit: the very same frozen result.
    if (second.status === "ok" && typeof c.kit.version !== "function")
      expect(second.auth).toBe(first.status === "ok" && first.auth);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe.each(STRATEGIES)(
  "betterAuthSession, %s cache, against auth.api.getSession",
  (strategy) => {
    let base: ReturnType<typeof testAuth>;
    let alice: string;
    let bob: string;
    let aliceId: string;
    const kit: BetterAuthSessionOptions = { secret: TEST_SECRET, strategy, secure: false };

    beforeAll(async () => {
      base = testAuth({ strategy });
      alice = await signUp(base.auth, "alice@example.com");
      bob = await signUp(base.auth, "bob@example.com");
      aliceId = (await oracle(base.auth, alice)) ?? "";
      expect(aliceId).not.toBe("");
    });

    const make = (name: string, cookie: string, expected: Verdict, extra: Partial<Case> = {}) =>
      ({ name, cookie, auth: base.auth, db: base.db, kit, expect: expected, ...extra }) as Case;

    it("accepts the cookies of a sign-up and of a sign-in, as the same user", async () => {
      await check(make("sign-up", alice, "ok", { user: aliceId }));
      await check(make("sign-in", await signIn(base.auth, "alice@example.com"), "ok"));
    });

    it("refuses a session token whose HMAC was changed, whatever the cache says", async () => {
      const map = cookieMap(alice);
      const token = decodeURIComponent(map.get("better-auth.session_token") ?? "");
      map.set("better-auth.session_token", encodeURIComponent(flip(token, -5)));
      await check(make("tampered signature", join(map), "invalid"));
      const body = cookieMap(alice);
      body.set("better-auth.session_token", encodeURIComponent(flip(token, 3)));
      await check(make("tampered token", join(body), "invalid"));
      const short = cookieMap(alice);
      short.set("better-auth.session_token", token.slice(0, token.lastIndexOf(".")));
      await check(make("unsigned token", join(short), "invalid"));
    });

    it("defers (unknown) without a cache, with a tampered cache, or with another user's cache", async () => {
      const tokenOnly = cookieMap(alice);
      tokenOnly.delete("better-auth.session_data");
      await check(make("no cache", join(tokenOnly), "unknown"));

      const tampered = cookieMap(alice);
      tampered.set("better-auth.session_data", flip(tampered.get("better-auth.session_data")!, 60));
      await check(make("tampered cache", join(tampered), "unknown"));

      const swapped = cookieMap(alice);
      swapped.set("better-auth.session_data", cookieMap(bob).get("better-auth.session_data")!);
      await check(make("bob's cache with alice's token", join(swapped), "unknown"));
    });

    it("never serves a remembered cache to another token: bob's cache, once verified, is his alone", async () => {
      const source = betterAuthSession(kit);
      const bobs = await source.read(request(bob));
      expect(bobs.status).toBe("ok");
      const swapped = cookieMap(alice);
      swapped.set("better-auth.session_data", cookieMap(bob).get("better-auth.session_data")!);
      expect((await source.read(request(join(swapped)))).status).toBe("unknown");
      // Bob's own cookies still read as bob afterwards.
      const again = await source.read(request(bob));
      expect(again.status === "ok" && again.auth.claims.sub).toBe(
        bobs.status === "ok" && bobs.auth.claims.sub,
      );
    });

    it("answers none with no session token, even with a valid cache", async () => {
      const cacheOnly = cookieMap(alice);
      cacheOnly.delete("better-auth.session_token");
      await check(make("cache without token", join(cacheOnly), "none"));
      await check(make("no cookies", "", "none"));
    });

    it("accepts the signature URL-encoded (as Set-Cookie writes it) and raw (as testUtils sends it)", async () => {
      const raw = cookieMap(alice);
      raw.set(
        "better-auth.session_token",
        decodeURIComponent(raw.get("better-auth.session_token")!),
      );
      expect(join(raw)).toMatch(/session_token=[^;]*=;/);
      await check(make("raw signature", join(raw), "ok"));
      const ctx = await base.auth.$context;
      const headers = await ctx.test.getAuthHeaders({ userId: aliceId });
      await check(make("testUtils headers", headers.get("cookie") ?? "", "unknown"));
    });

    it("serves the cache up to its expiry and defers from the next millisecond", async () => {
      const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(t0);
      const minted = testAuth({ strategy });
      const cookie = await signUp(minted.auth, "carol@example.com");
      const at = (name: string, ms: number, expected: Verdict) => {
        vi.setSystemTime(ms);
        return check({ name, cookie, auth: minted.auth, db: minted.db, kit, expect: expected });
      };
      await at("299 s", t0 + 299_000, "ok");
      // jose refuses a JWS at its `exp` second (no tolerance); the other strategies serve up to it.
      await at("at expiry", t0 + 300_000, strategy === "jwt" ? "unknown" : "ok");
      await at("1 ms before expiry", t0 + 299_999, "ok");
      await at("1 ms past", t0 + 300_001, "unknown");
      await at("an hour past", t0 + 3_600_000, "unknown");
    });

    it("reads only the __Secure- names under a secure configuration, and only plain names otherwise", async () => {
      const secure = testAuth({ strategy, secure: true });
      const cookie = await signUp(secure.auth, "dave@example.com");
      expect(cookie).toMatch(/^__Secure-better-auth\.session_token=/);
      const secureKit = { ...kit, secure: true };
      await check({ ...make("secure", cookie, "ok"), ...secure, kit: secureKit });
      // The plain reader does not see the __Secure- cookies, nor the secure reader plain ones.
      await check({ ...make("secure cookies, plain reader", cookie, "none"), kit });
      await check({
        ...make("plain cookies, secure reader", alice, "none"),
        ...secure,
        kit: secureKit,
      });
      const renamed = cookie.replaceAll("__Secure-", "");
      await check({ ...make("stripped prefix", renamed, "none"), ...secure, kit: secureKit });
    });

    it("reads another cookie prefix", async () => {
      const prefixed = testAuth({ strategy, cookiePrefix: "myapp" });
      const cookie = await signUp(prefixed.auth, "erin@example.com");
      expect(cookie).toMatch(/^myapp\.session_token=/);
      await check({
        ...make("prefix", cookie, "ok"),
        ...prefixed,
        kit: { ...kit, cookiePrefix: "myapp" },
      });
    });

    it("joins a chunked cache (.0, .1, ...) and defers on a missing chunk", async () => {
      const big = await signUp(base.auth, "frank@example.com", { bio: "x".repeat(6000) });
      const map = cookieMap(big);
      expect(map.has("better-auth.session_data.0")).toBe(true);
      expect(map.has("better-auth.session_data.1")).toBe(true);
      await check(make("chunked", big, "ok"));
      map.delete("better-auth.session_data.1");
      await check(make("chunk gap", join(map), "unknown"));
    });

    it("follows a version bump: a cache of another version is deferred", async () => {
      const bumped = testAuth({ strategy, version: "2", db: base.db });
      await check({
        ...make("version 1 cache, version 2 server", alice, "unknown"),
        auth: bumped.auth,
        kit: { ...kit, version: "2" },
      });
      const fresh = await signIn(bumped.auth, "bob@example.com");
      await check({
        ...make("version 2", fresh, "ok"),
        auth: bumped.auth,
        kit: { ...kit, version: "2" },
      });
      await check({ ...make("version 2 cache, version 1 server", fresh, "unknown") });
      await check({
        ...make("version function", fresh, "ok"),
        auth: bumped.auth,
        kit: { ...kit, version: () => "2" },
      });
    });

    it("rotates secrets as Better Auth does: the token on the current secret only", async () => {
      const NEW = "better-auth-rotated-secret-fedcba9876543210";
      const rotated = testAuth({
        strategy,
        secrets: [
          { version: 2, value: NEW },
          { version: 1, value: TEST_SECRET },
        ],
        db: base.db,
      });
      const rotatedKit: BetterAuthSessionOptions = {
        ...kit,
        secret: undefined,
        secrets: [
          { version: 2, value: NEW },
          { version: 1, value: TEST_SECRET },
        ],
      };
      // Cookies of the old secret: the token's HMAC no longer verifies (everyone is signed out).
      await check({ ...make("old token", alice, "invalid"), auth: rotated.auth, kit: rotatedKit });
      // New cookies verify under the rotated configuration, and not under the old one.
      const fresh = await signIn(rotated.auth, "alice@example.com");
      await check({ ...make("new cookies", fresh, "ok"), auth: rotated.auth, kit: rotatedKit });
      await check(make("new cookies, old secret", fresh, "invalid"));
      // The old cache behind a token re-signed with the new secret: the jwe cache honours the older
      // version (kid), the compact cache the current secret only.
      const { serializeSignedCookie } = await import("better-call");
      const oldToken = decodeURIComponent(cookieMap(alice).get("better-auth.session_token")!);
      const resigned = (
        await serializeSignedCookie(
          "better-auth.session_token",
          oldToken.slice(0, oldToken.lastIndexOf(".")),
          NEW,
        )
      ).split(";")[0]!;
      const mixed = `${resigned}; better-auth.session_data=${cookieMap(alice).get("better-auth.session_data")}`;
      await check({
        ...make("old cache, re-signed token", mixed, strategy === "jwe" ? "ok" : "unknown"),
        auth: rotated.auth,
        kit: rotatedKit,
      });
    });

    it("refuses the same cookies under another secret", async () => {
      const other = testAuth({
        strategy,
        secret: "another-secret-entirely-0123456789abcd",
        db: base.db,
      });
      await check({
        ...make("wrong secret", alice, "invalid"),
        auth: other.auth,
        kit: { ...kit, secret: "another-secret-entirely-0123456789abcd" },
      });
    });
  },
);

describe("betterAuthSession, claims and configuration", () => {
  it("maps the user into the kit's vocabulary: roles from the comma list, never raw fields", async () => {
    expect(parseBetterAuthRoles(" admin, support ,")).toEqual(["admin", "support"]);
    expect(parseBetterAuthRoles(null)).toEqual([]);
    const { auth, db } = testAuth();
    const cookie = await signUp(auth, "grace@example.com");
    const users = db.user as { id: string; role?: string }[];
    users[0]!.role = "admin,member";
    const fresh = await signIn(auth, "grace@example.com");
    const outcome = await betterAuthSession({ secret: TEST_SECRET, secure: false }).read(
      request(fresh),
    );
    expect(outcome.status).toBe("ok");
    if (outcome.status !== "ok") return;
    expect(outcome.auth.claims).toEqual({
      sub: users[0]!.id,
      email: "grace@example.com",
      name: "grace",
      roles: ["admin", "member"],
    });
    expect(outcome.auth.sessionId).toEqual(expect.any(String));
    expect(JSON.stringify(outcome.auth)).not.toContain(
      decodeURIComponent(cookieMap(fresh).get("better-auth.session_token")!).split(".")[0],
    );
    expect(outcome.auth.authTime).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(cookie).not.toBe(fresh);
    const mapped = await betterAuthSession({
      secret: TEST_SECRET,
      secure: false,
      toClaims: (p) => ({
        ...betterAuthClaims(p),
        plan: p.user.email.startsWith("g") ? "pro" : "free",
      }),
    }).read(request(fresh));
    expect(mapped.status === "ok" && mapped.auth.claims.plan).toBe("pro");
    const refused = await betterAuthSession({
      secret: TEST_SECRET,
      secure: false,
      toClaims: () => null,
    }).read(request(fresh));
    expect(refused.status).toBe("invalid");
  });

  it("declares itself an edge cookie session source with Better Auth's challenge", () => {
    const source = betterAuthSession({ secret: TEST_SECRET, secure: true });
    expect(source).toMatchObject({ name: "better-auth", kind: "session", runtime: "edge" });
    expect(source.challenge?.params["cookie-name"]).toBe("__Secure-better-auth.session_token");
  });

  it("throws on a missing secret at the first request, never reading it as anonymous", async () => {
    const source = betterAuthSession({ secret: () => undefined, secure: false });
    await expect(source.read(request(""))).rejects.toThrow(/no secret/);
  });

  it("refuses a bad configuration at definition", () => {
    const bad: unknown[] = [
      undefined,
      { secure: false },
      { secret: "", secure: false },
      { secret: TEST_SECRET },
      { secret: TEST_SECRET, secure: false, strategy: "jwt-ish" },
      { secret: TEST_SECRET, secure: false, cookiePrefix: "bad prefix" },
      { secrets: [], secure: false },
      { secrets: [{ version: -1, value: "x" }], secure: false },
      { secret: TEST_SECRET, secure: false, maxTokenBytes: 0 },
      { secret: TEST_SECRET, secure: false, cache: { max: 0 } },
      { secret: TEST_SECRET, secure: false, version: 2 },
    ];
    for (const options of bad)
      expectConfigError(
        () => betterAuthSession(options as BetterAuthSessionOptions),
        "invalid_session_options",
      );
  });
});
