/**
 * authJsSession against the reference: every case is read by our source and by Auth.js's own
 * `getToken` (next-auth/jwt, which reads the cookie the way Auth.js does and calls `decode`), and
 * both must agree on accept/reject and on the payload. Cases where we deliberately differ are
 * listed apart, each with the reason, and assert that ours rejects.
 *
 * Tokens with hand-made headers are built with node:crypto (HKDF, AES, HMAC) rather than with the
 * code under test, so the reader is not checked against itself.
 */
import { createHash, hkdfSync } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decode, encode, getToken } from "next-auth/jwt";
import { authJsSession } from "../../lib/authz/session";
import { forgeJwe } from "../support/forge-jwe";
import type { JwtSessionOptions } from "../../lib/authz/session";
import { expectConfigError } from "../support/config-error";

const SECRET = "test-secret-0123456789abcdef0123456789abcdef";
const OLD_SECRET = "old-secret-0123456789abcdef0123456789abcdef";
const NAME = "authjs.session-token";
const SECURE_NAME = "__Secure-authjs.session-token";
const now = () => Math.floor(Date.now() / 1000);

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");
const unb64u = (text: string) => new Uint8Array(Buffer.from(text, "base64url"));

type Enc = "A256CBC-HS512" | "A256GCM";

function authJsKey(secret: string, salt: string, enc: Enc): Buffer {
  const length = enc === "A256GCM" ? 32 : 64;
  return Buffer.from(
    hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, length),
  );
}

function thumbprint(key: Buffer): string {
  const json = `{"k":"${b64u(key)}","kty":"oct"}`;
  return createHash(key.length === 64 ? "sha512" : "sha256")
    .update(json)
    .digest("base64url");
}

/** Builds a compact `dir` JWE with any header and raw plaintext, independently of the kit. */
const craft = (
  header: Record<string, unknown>,
  plaintext: Uint8Array | string,
  key: Buffer,
  enc: Enc,
): string => forgeJwe(header, plaintext, key, enc);

/** A hand-made Auth.js-style token: the header Auth.js writes unless `header` overrides it. */
function craftClaims(
  claims: Record<string, unknown> | unknown,
  opts: {
    header?: Record<string, unknown>;
    enc?: Enc;
    secret?: string;
    salt?: string;
    zip?: boolean;
  } = {},
): string {
  const enc = opts.enc ?? "A256CBC-HS512";
  const key = authJsKey(opts.secret ?? SECRET, opts.salt ?? NAME, enc);
  const header = { alg: "dir", enc, kid: thumbprint(key), ...opts.header };
  const json = JSON.stringify(claims);
  return craft(header, opts.zip ? deflateRawSync(json) : json, key, enc);
}

function mint(
  token: Record<string, unknown> = {},
  opts: { secret?: string; salt?: string; maxAge?: number } = {},
) {
  return encode({
    token: { sub: "user-1", email: "alice@example.com", role: "admin", ...token },
    secret: opts.secret ?? SECRET,
    salt: opts.salt ?? NAME,
    ...(opts.maxAge !== undefined && { maxAge: opts.maxAge }),
  });
}

/** Flips one bit in the decoded bytes of segment `index` and re-encodes it canonically. */
function flipSegment(token: string, index: number): string {
  const parts = token.split(".");
  const bytes = unb64u(parts[index] ?? "");
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  parts[index] = b64u(bytes);
  return parts.join(".");
}

function withHeader(token: string, patch: Record<string, unknown>): string {
  const parts = token.split(".");
  const header = JSON.parse(Buffer.from(parts[0] ?? "", "base64url").toString()) as Record<
    string,
    unknown
  >;
  parts[0] = b64u(JSON.stringify({ ...header, ...patch }));
  return parts.join(".");
}

function requestWith(
  cookie: string | undefined,
  url = "http://localhost:3000/api/me",
  headers: Record<string, string> = {},
) {
  return new Request(url, { headers: { ...(cookie !== undefined && { cookie }), ...headers } });
}

function isSecure(request: Request): boolean {
  return request.url.startsWith("https:") || request.headers.get("x-forwarded-proto") === "https";
}

async function reference(request: Request, secret: string | string[]) {
  return getToken({ req: request, secret, secureCookie: isSecure(request) });
}

async function ours(
  request: Request,
  secret: string | string[],
  options: Partial<JwtSessionOptions> = {},
) {
  return authJsSession({ cache: false, ...options, secret })(request);
}

interface Case {
  name: string;
  build: () => Promise<{ request: Request; secret?: string | string[] }>;
  /** What the reference must do: documents the corpus and catches a reference upgrade. */
  expected: "accept" | "reject";
}

const cookie = (token: string, name = NAME) => `${name}=${token}`;

const agreeing: Case[] = [
  {
    name: "valid token",
    expected: "accept",
    build: async () => ({ request: requestWith(cookie(await mint())) }),
  },
  {
    name: "valid token among other cookies, with spaces",
    expected: "accept",
    build: async () => ({
      request: requestWith(`theme=dark;   ${NAME}=${await mint()}  ; other=a=b`),
    }),
  },
  ...[0, 2, 3, 4].map((index): Case => ({
    name: `one bit flipped in segment ${index} (${["header", "", "iv", "ciphertext", "tag"][index]})`,
    expected: "reject",
    build: async () => ({ request: requestWith(cookie(flipSegment(await mint(), index))) }),
  })),
  {
    name: "non-empty encrypted key segment",
    expected: "reject",
    build: async () => {
      const parts = (await mint()).split(".");
      parts[1] = "AAAA";
      return { request: requestWith(cookie(parts.join("."))) };
    },
  },
  {
    name: "truncated by 5 characters",
    expected: "reject",
    build: async () => ({ request: requestWith(cookie((await mint()).slice(0, -5))) }),
  },
  {
    name: "tag segment removed",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie((await mint()).split(".").slice(0, 4).join(".") + ".")),
    }),
  },
  {
    name: "expired 100 s ago (beyond the 15 s tolerance)",
    expected: "reject",
    build: async () => ({ request: requestWith(cookie(await mint({}, { maxAge: -100 }))) }),
  },
  {
    name: "expired 5 s ago (within the 15 s tolerance)",
    expected: "accept",
    build: async () => ({ request: requestWith(cookie(await mint({}, { maxAge: -5 }))) }),
  },
  {
    name: "wrong secret",
    expected: "reject",
    build: async () => ({ request: requestWith(cookie(await mint({}, { secret: OLD_SECRET }))) }),
  },
  {
    name: "wrong salt (minted for another cookie name)",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(await mint({}, { salt: "other.session-token" }))),
    }),
  },
  {
    name: "alg changed to A256KW in the header",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(withHeader(await mint(), { alg: "A256KW" }))),
    }),
  },
  {
    name: "enc changed to A128GCM in the header",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(withHeader(await mint(), { enc: "A128GCM" }))),
    }),
  },
  {
    name: "enc changed to A256GCM in the header (AAD no longer matches)",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(withHeader(await mint(), { enc: "A256GCM" }))),
    }),
  },
  {
    name: "kid changed in the header",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(withHeader(await mint(), { kid: "nope" }))),
    }),
  },
  {
    name: "non-base64url character in the ciphertext",
    expected: "reject",
    build: async () => {
      const parts = (await mint()).split(".");
      parts[3] = `${parts[3]!.slice(0, 10)}!${parts[3]!.slice(11)}`;
      return { request: requestWith(cookie(parts.join("."))) };
    },
  },
  {
    name: "empty cookie value",
    expected: "reject",
    build: async () => ({ request: requestWith(`${NAME}=`) }),
  },
  {
    name: "no cookie header",
    expected: "reject",
    build: async () => ({ request: requestWith(undefined) }),
  },
  {
    name: "4 segments",
    expected: "reject",
    build: async () => {
      const parts = (await mint()).split(".");
      return { request: requestWith(cookie([parts[0], parts[2], parts[3], parts[4]].join("."))) };
    },
  },
  {
    name: "6 segments",
    expected: "reject",
    build: async () => ({ request: requestWith(cookie(`${await mint()}.AAAA`)) }),
  },
  {
    name: "rotation: token from the old secret, list holds it",
    expected: "accept",
    build: async () => ({
      request: requestWith(cookie(await mint({}, { secret: OLD_SECRET }))),
      secret: [SECRET, OLD_SECRET],
    }),
  },
  {
    name: "rotation: token from the current secret, list [current, old]",
    expected: "accept",
    build: async () => ({
      request: requestWith(cookie(await mint())),
      secret: [SECRET, OLD_SECRET],
    }),
  },
  {
    name: "rotation: old secret dropped from the list",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(await mint({}, { secret: OLD_SECRET }))),
      secret: [SECRET],
    }),
  },
  {
    name: "rotation: token without kid is tried with the current secret only",
    expected: "reject",
    build: async () => ({
      request: requestWith(
        cookie(
          craftClaims(
            { sub: "u", exp: now() + 60 },
            { secret: OLD_SECRET, header: { kid: undefined } },
          ),
        ),
      ),
      secret: [SECRET, OLD_SECRET],
    }),
  },
  {
    name: "token without kid, current secret",
    expected: "accept",
    build: async () => ({
      request: requestWith(
        cookie(craftClaims({ sub: "u", exp: now() + 60 }, { header: { kid: undefined } })),
      ),
    }),
  },
  {
    name: "https: __Secure- cookie with its own salt",
    expected: "accept",
    build: async () => ({
      request: requestWith(
        cookie(await mint({}, { salt: SECURE_NAME }), SECURE_NAME),
        "https://app.example/api/me",
      ),
    }),
  },
  {
    name: "x-forwarded-proto https: __Secure- cookie",
    expected: "accept",
    build: async () => ({
      request: requestWith(
        cookie(await mint({}, { salt: SECURE_NAME }), SECURE_NAME),
        "http://localhost/api/me",
        { "x-forwarded-proto": "https" },
      ),
    }),
  },
  {
    name: "http: a __Secure- cookie is not the session cookie",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(await mint({}, { salt: SECURE_NAME }), SECURE_NAME)),
    }),
  },
  {
    name: "https: plain cookie name is not the session cookie",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(await mint()), "https://app.example/api/me"),
    }),
  },
  {
    name: "https: __Secure- cookie holding a token salted for the plain name",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(await mint(), SECURE_NAME), "https://app.example/api/me"),
    }),
  },
  {
    name: "chunked cookie (.0, .1, .2)",
    expected: "accept",
    build: async () => {
      const token = await mint({ bio: "x".repeat(5000) });
      const third = Math.ceil(token.length / 3);
      const chunks = [0, 1, 2].map(
        (i) => `${NAME}.${i}=${token.slice(i * third, (i + 1) * third)}`,
      );
      return { request: requestWith(chunks.join("; ")) };
    },
  },
  {
    name: "chunked cookie sent out of order (.1 before .0)",
    expected: "accept",
    build: async () => {
      const token = await mint({ bio: "y".repeat(3000) });
      const half = Math.ceil(token.length / 2);
      return {
        request: requestWith(
          `${NAME}.1=${token.slice(half)}; a=b; ${NAME}.0=${token.slice(0, half)}`,
        ),
      };
    },
  },
  {
    name: "chunked cookie with .0 missing",
    expected: "reject",
    build: async () => {
      const token = await mint({ bio: "z".repeat(3000) });
      const half = Math.ceil(token.length / 2);
      return { request: requestWith(`${NAME}.1=${token.slice(half)}`) };
    },
  },
  {
    name: "duplicate cookie: the first one wins (valid first)",
    expected: "accept",
    build: async () => ({ request: requestWith(`${cookie(await mint())}; ${NAME}=garbage`) }),
  },
  {
    name: "duplicate cookie: the first one wins (garbage first)",
    expected: "reject",
    build: async () => ({ request: requestWith(`${NAME}=garbage; ${cookie(await mint())}`) }),
  },
  {
    name: "A256GCM token with the Auth.js key (decode accepts both encs)",
    expected: "accept",
    build: async () => ({
      request: requestWith(cookie(craftClaims({ sub: "u", exp: now() + 60 }, { enc: "A256GCM" }))),
    }),
  },
  {
    name: "typ: JWT header member",
    expected: "accept",
    build: async () => ({
      request: requestWith(
        cookie(craftClaims({ sub: "u", exp: now() + 60 }, { header: { typ: "JWT" } })),
      ),
    }),
  },
  {
    name: "crit header member",
    expected: "reject",
    build: async () => ({
      request: requestWith(
        cookie(craftClaims({ sub: "u", exp: now() + 60 }, { header: { crit: ["exp"], exp: 1 } })),
      ),
    }),
  },
  {
    name: "zip with an unsupported value",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(craftClaims({ sub: "u" }, { header: { zip: "GZIP" } }))),
    }),
  },
  {
    name: "payload is a JSON array",
    expected: "reject",
    build: async () => ({ request: requestWith(cookie(craftClaims([1, 2]))) }),
  },
  {
    name: "payload is a JSON string",
    expected: "reject",
    build: async () => ({ request: requestWith(cookie(craftClaims("hello"))) }),
  },
  {
    name: "payload is null",
    expected: "reject",
    build: async () => ({ request: requestWith(cookie(craftClaims(null))) }),
  },
  {
    name: "payload without exp (never expires, as jose allows)",
    expected: "accept",
    build: async () => ({ request: requestWith(cookie(craftClaims({ sub: "u" }))) }),
  },
  {
    name: "exp is a string",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(craftClaims({ sub: "u", exp: String(now() + 60) }))),
    }),
  },
  {
    name: "iat is a string",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(craftClaims({ sub: "u", iat: "yesterday" }))),
    }),
  },
  {
    name: "nbf 100 s in the future",
    expected: "reject",
    build: async () => ({
      request: requestWith(cookie(craftClaims({ sub: "u", nbf: now() + 100 }))),
    }),
  },
  {
    name: "nbf 5 s in the future (within tolerance)",
    expected: "accept",
    build: async () => ({
      request: requestWith(cookie(craftClaims({ sub: "u", nbf: now() + 5 }))),
    }),
  },
  {
    name: "header is a JSON array",
    expected: "reject",
    build: async () => {
      const parts = (await mint()).split(".");
      parts[0] = b64u("[]");
      return { request: requestWith(cookie(parts.join("."))) };
    },
  },
  {
    name: "percent-encoded cookie value is decoded",
    expected: "accept",
    build: async () => {
      const token = await mint();
      return { request: requestWith(`${NAME}=${token.replace(/\./g, "%2E")}`) };
    },
  },
  {
    name: "iat one hour in the future: accepted like Auth.js (jose checks iat only with maxTokenAge; exp bounds the session)",
    expected: "accept",
    build: async () => ({
      request: requestWith(cookie(craftClaims({ sub: "u", iat: now() + 3600 }))),
    }),
  },
];

/**
 * Accepted by the reference, rejected by us on purpose. Each is something Auth.js never writes, so
 * rejecting it costs a real user nothing and shrinks what an attacker can feed the decryptor.
 */
const strictOnPurpose: Case[] = [
  {
    name: "oversized: 20 KB token (our default limit is 16 KB, checked before any crypto)",
    expected: "accept",
    build: async () => ({ request: requestWith(cookie(await mint({ blob: "q".repeat(20_000) }))) }),
  },
  {
    name: "zip: DEF (jose inflates it; a compression bomb vector, Auth.js never compresses)",
    expected: "accept",
    build: async () => ({
      request: requestWith(
        cookie(craftClaims({ sub: "u", exp: now() + 60 }, { zip: true, header: { zip: "DEF" } })),
      ),
    }),
  },
  {
    name: "unknown header member (jose ignores it; we allow only alg, enc, kid, typ)",
    expected: "accept",
    build: async () => ({
      request: requestWith(
        cookie(craftClaims({ sub: "u", exp: now() + 60 }, { header: { foo: "bar" } })),
      ),
    }),
  },
  {
    name: "replicated sub claim in the header (jose checks it matches; we refuse the member)",
    expected: "accept",
    build: async () => ({
      request: requestWith(cookie(craftClaims({ sub: "u" }, { header: { sub: "u" } }))),
    }),
  },
  {
    name: "padding '=' after the tag (Node 20's atob accepts it; we accept canonical base64url only)",
    expected: "accept",
    build: async () => {
      const parts = (await mint()).split(".");
      parts[4] = `${parts[4]}=`;
      return { request: requestWith(cookie(parts.join("."))) };
    },
  },
  {
    name: "non-zero trailing bits in the tag (decodes to the same bytes under atob)",
    expected: "accept",
    build: async () => {
      const parts = (await mint()).split(".");
      const tag = parts[4]!;
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = alphabet.indexOf(tag.at(-1)!);
      parts[4] = tag.slice(0, -1) + alphabet[last ^ 0b01]; // 32-byte tag: the last char's 2 low bits are unused
      return { request: requestWith(cookie(parts.join("."))) };
    },
  },
];

afterEach(() => {
  vi.useRealTimers();
});

describe("authJsSession agrees with next-auth/jwt", () => {
  it.each(agreeing)("$name", async ({ build, expected }) => {
    const { request, secret = SECRET } = await build();
    const want = await reference(request.clone(), secret);
    expect(want === null ? "reject" : "accept").toBe(expected);
    const got = await ours(request, secret);
    expect(got).toEqual(want);
  });
});

describe("authJsSession is stricter than next-auth/jwt where it is safe to be", () => {
  it.each(strictOnPurpose)("$name", async ({ build, expected }) => {
    const { request, secret = SECRET } = await build();
    const want = await reference(request.clone(), secret);
    expect(want === null ? "reject" : "accept").toBe(expected);
    const got = await ours(request, secret);
    expect(got).toBeNull();
  });

  it("prefers the whole cookie when chunks are also present, where getToken joins all and fails", async () => {
    // Auth.js deletes the stale form whenever it switches between whole and chunked, so both present
    // means a leftover; the user's current session must not read as signed out because of it.
    const token = await mint();
    const request = requestWith(
      `${NAME}.0=${token.slice(0, 50)}; ${NAME}=${token}; ${NAME}.1=${token.slice(50)}`,
    );
    expect(await reference(request.clone(), SECRET)).toBeNull();
    expect(await ours(request, SECRET)).toEqual(
      await decode({ token, secret: SECRET, salt: NAME }),
    );
  });

  it("accepts an oversized token when maxTokenBytes is raised", async () => {
    const token = await mint({ blob: "q".repeat(20_000) });
    const got = await ours(requestWith(cookie(token)), SECRET, { maxTokenBytes: 64 * 1024 });
    expect(got).toEqual(await decode({ token, secret: SECRET, salt: NAME }));
  });
});

describe("authJsSession options", () => {
  it("uses cookieName as the salt when given", async () => {
    const token = await mint({}, { salt: "app.session" });
    expect(
      await ours(requestWith(cookie(token, "app.session")), SECRET, { cookieName: "app.session" }),
    ).toEqual(await decode({ token, secret: SECRET, salt: "app.session" }));
  });

  it("reads a secret function on every request, not at definition", async () => {
    let current: string | undefined;
    const source = authJsSession({ secret: () => current, cache: false });
    const request = requestWith(cookie(await mint()));
    current = SECRET;
    expect(await source(request)).not.toBeNull();
    current = OLD_SECRET;
    expect(await source(request)).toBeNull();
  });

  it("throws a clear error when the secret function returns nothing", async () => {
    const source = authJsSession({ secret: () => undefined });
    await expect(source(requestWith(undefined))).rejects.toThrow(/no secret/);
    await expect(authJsSession({ secret: () => "" })(requestWith(undefined))).rejects.toThrow(
      /no secret/,
    );
  });

  it("rejects bad options at definition", () => {
    expect(() => authJsSession({ secret: "" })).toThrow(TypeError);
    expectConfigError(() => authJsSession({ secret: "" }), "invalid_session_options");
    expect(() => authJsSession({ secret: [] })).toThrow(TypeError);
    expectConfigError(() => authJsSession({ secret: [] }), "invalid_session_options");
    expect(() => authJsSession({ secret: [SECRET, ""] })).toThrow(TypeError);
    expectConfigError(() => authJsSession({ secret: [SECRET, ""] }), "invalid_session_options");
    expect(() => authJsSession({ secret: SECRET, cookieName: "bad name;" })).toThrow(TypeError);
    expectConfigError(
      () => authJsSession({ secret: SECRET, cookieName: "bad name;" }),
      "invalid_session_options",
    );
    expect(() => authJsSession({ secret: SECRET, clockToleranceSec: -1 })).toThrow(TypeError);
    expectConfigError(
      () => authJsSession({ secret: SECRET, clockToleranceSec: -1 }),
      "invalid_session_options",
    );
    expect(() => authJsSession({ secret: SECRET, maxTokenBytes: 0 })).toThrow(TypeError);
    expectConfigError(
      () => authJsSession({ secret: SECRET, maxTokenBytes: 0 }),
      "invalid_session_options",
    );
    expect(() => authJsSession({ secret: SECRET, cache: { max: 0 } })).toThrow(TypeError);
    expectConfigError(
      () => authJsSession({ secret: SECRET, cache: { max: 0 } }),
      "invalid_session_options",
    );
  });

  it("honours a custom clock tolerance", async () => {
    const token = await mint({}, { maxAge: -5 });
    expect(await ours(requestWith(cookie(token)), SECRET, { clockToleranceSec: 0 })).toBeNull();
    expect(
      await ours(requestWith(cookie(token)), SECRET, { clockToleranceSec: 30 }),
    ).not.toBeNull();
  });

  it("treats exp exactly at now - tolerance as expired, one second later as valid (jose's boundary)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
    const t = now();
    const atBoundary = craftClaims({ sub: "u", exp: t - 15 });
    const inside = craftClaims({ sub: "u", exp: t - 14 });
    for (const [token, ok] of [
      [atBoundary, false],
      [inside, true],
    ] as const) {
      const request = requestWith(cookie(token));
      expect((await reference(request.clone(), SECRET)) !== null).toBe(ok);
      expect((await ours(request, SECRET)) !== null).toBe(ok);
    }
  });

  it("returns a frozen payload", async () => {
    const got = await ours(requestWith(cookie(await mint({ nested: { a: 1 } }))), SECRET);
    expect(Object.isFrozen(got)).toBe(true);
    expect(Object.isFrozen((got as { nested: object }).nested)).toBe(true);
  });
});
