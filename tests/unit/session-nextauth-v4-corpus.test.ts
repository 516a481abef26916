/**
 * nextAuthV4Session against NextAuth v4 itself (`next-auth-v4` is next-auth@4 installed under an
 * alias; its CommonJS `jwt` module imports fine in Vitest without `server.deps.inline`). Token-level
 * cases compare with v4's `decode`; cookie-level ones with v4's `getToken` over a `NextRequest`,
 * which is how v4 reads cookies in middleware. Hand-made tokens are built with node:crypto.
 */
import { hkdfSync } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { decode, encode, getToken } from "next-auth-v4/jwt";
import { nextAuthV4Session } from "../../lib/authz/session";
import { forgeJwe } from "../support/forge-jwe";
import type { JwtSessionOptions } from "../../lib/authz/session";

const SECRET = "v4-secret-0123456789abcdef0123456789abcdef";
const OLD_SECRET = "v4-old-secret-0123456789abcdef0123456789ab";
const NAME = "next-auth.session-token";
const SECURE_NAME = "__Secure-next-auth.session-token";
const now = () => Math.floor(Date.now() / 1000);
const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");

function v4Key(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
}

/** A compact `dir` JWE with any header, using the v4 key; `A128CBC-HS256` also fits a 32-byte key. */
function craft(
  claims: unknown,
  opts: {
    header?: Record<string, unknown>;
    enc?: "A256GCM" | "A128CBC-HS256";
    secret?: string;
    zip?: boolean;
  } = {},
): string {
  const enc = opts.enc ?? "A256GCM";
  const key = v4Key(opts.secret ?? SECRET);
  const json = Buffer.from(JSON.stringify(claims));
  return forgeJwe(
    { alg: "dir", enc, ...opts.header },
    opts.zip ? deflateRawSync(json) : json,
    key,
    enc,
  );
}

function mint(
  token: Record<string, unknown> = {},
  opts: { secret?: string; maxAge?: number } = {},
) {
  return encode({
    token: { sub: "user-1", email: "bob@example.com", ...token },
    secret: opts.secret ?? SECRET,
    ...(opts.maxAge !== undefined && { maxAge: opts.maxAge }),
  });
}

function flipSegment(token: string, index: number): string {
  const parts = token.split(".");
  const bytes = new Uint8Array(Buffer.from(parts[index] ?? "", "base64url"));
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  parts[index] = b64u(bytes);
  return parts.join(".");
}

function setSegment(token: string, index: number, value: (segment: string) => string): string {
  const parts = token.split(".");
  parts[index] = value(parts[index] ?? "");
  return parts.join(".");
}

function requestWith(
  cookie: string | undefined,
  url = "http://localhost:3000/api/me",
  headers: Record<string, string> = {},
) {
  return new Request(url, { headers: { ...(cookie !== undefined && { cookie }), ...headers } });
}

async function referenceDecode(token: string, secret = SECRET) {
  try {
    return await decode({ token, secret });
  } catch {
    return null;
  }
}

async function referenceGetToken(request: Request, secret = SECRET) {
  const secureCookie =
    request.url.startsWith("https:") || request.headers.get("x-forwarded-proto") === "https";
  // v4's getToken reads `req.cookies.getAll()`, which NextRequest provides.
  return getToken({ req: new NextRequest(request) as never, secret, secureCookie });
}

async function ours(
  cookieOrRequest: string | Request,
  secret: string | string[] = SECRET,
  options: Partial<JwtSessionOptions> = {},
) {
  const request =
    typeof cookieOrRequest === "string"
      ? requestWith(`${NAME}=${cookieOrRequest}`)
      : cookieOrRequest;
  return nextAuthV4Session({ cache: false, ...options, secret })(request);
}

interface TokenCase {
  name: string;
  token: () => Promise<string> | string;
  expected: "accept" | "reject";
}

const agreeing: TokenCase[] = [
  { name: "valid token", expected: "accept", token: () => mint() },
  ...[0, 2, 3, 4].map((index): TokenCase => ({
    name: `one bit flipped in segment ${index} (${["header", "", "iv", "ciphertext", "tag"][index]})`,
    expected: "reject",
    token: async () => flipSegment(await mint(), index),
  })),
  {
    name: "non-empty encrypted key segment",
    expected: "reject",
    token: async () => setSegment(await mint(), 1, () => "AAAA"),
  },
  {
    name: "truncated by 5 characters",
    expected: "reject",
    token: async () => (await mint()).slice(0, -5),
  },
  { name: "expired 100 s ago", expected: "reject", token: () => mint({}, { maxAge: -100 }) },
  {
    name: "expired 5 s ago (within the 15 s tolerance)",
    expected: "accept",
    token: () => mint({}, { maxAge: -5 }),
  },
  { name: "wrong secret", expected: "reject", token: () => mint({}, { secret: OLD_SECRET }) },
  {
    name: "alg changed in the header",
    expected: "reject",
    token: async () =>
      setSegment(await mint(), 0, () => b64u(JSON.stringify({ alg: "A256KW", enc: "A256GCM" }))),
  },
  {
    name: "enc changed to A128GCM in the header",
    expected: "reject",
    token: async () =>
      setSegment(await mint(), 0, () => b64u(JSON.stringify({ alg: "dir", enc: "A128GCM" }))),
  },
  {
    name: "enc changed to A256CBC-HS512 in the header",
    expected: "reject",
    token: async () =>
      setSegment(await mint(), 0, () => b64u(JSON.stringify({ alg: "dir", enc: "A256CBC-HS512" }))),
  },
  { name: "empty token", expected: "reject", token: () => "" },
  {
    name: "4 segments",
    expected: "reject",
    token: async () => (await mint()).split(".").slice(1).join("."),
  },
  { name: "6 segments", expected: "reject", token: async () => `${await mint()}.AAAA` },
  {
    name: "an Auth.js v5 token is not a v4 token",
    expected: "reject",
    token: async () =>
      (await import("next-auth/jwt")).encode({ token: { sub: "u" }, secret: SECRET, salt: NAME }),
  },
  {
    name: "hand-made A256GCM token",
    expected: "accept",
    token: () => craft({ sub: "u", exp: now() + 60 }),
  },
  {
    name: "typ: JWT header member",
    expected: "accept",
    token: () => craft({ sub: "u" }, { header: { typ: "JWT" } }),
  },
  {
    name: "crit header member",
    expected: "reject",
    token: () => craft({ sub: "u" }, { header: { crit: ["x"], x: 1 } }),
  },
  { name: "payload is a JSON array", expected: "reject", token: () => craft([1]) },
  { name: "payload is null", expected: "reject", token: () => craft(null) },
  {
    name: "exp is a string",
    expected: "reject",
    token: () => craft({ sub: "u", exp: "tomorrow" }),
  },
  {
    name: "nbf 100 s in the future",
    expected: "reject",
    token: () => craft({ sub: "u", nbf: now() + 100 }),
  },
  {
    name: "nbf 5 s in the future",
    expected: "accept",
    token: () => craft({ sub: "u", nbf: now() + 5 }),
  },
  {
    name: "iat one hour in the future: accepted like NextAuth v4 (jose checks iat only with maxTokenAge)",
    expected: "accept",
    token: () => craft({ sub: "u", iat: now() + 3600 }),
  },
];

/** Accepted by v4's decode (jose 4 on Node), refused by us on purpose: v4 never writes these. */
const strictOnPurpose: TokenCase[] = [
  {
    name: "oversized: 20 KB token (our 16 KB limit is checked before any crypto)",
    expected: "accept",
    token: () => mint({ blob: "q".repeat(20_000) }),
  },
  {
    name: "A128CBC-HS256 under the same 32-byte key (jose 4 allows any enc fitting the key)",
    expected: "accept",
    token: () => craft({ sub: "u" }, { enc: "A128CBC-HS256" }),
  },
  {
    name: "zip: DEF (jose 4 inflates it without a size limit)",
    expected: "accept",
    token: () => craft({ sub: "u" }, { zip: true, header: { zip: "DEF" } }),
  },
  {
    name: "unknown header member",
    expected: "accept",
    token: () => craft({ sub: "u" }, { header: { foo: 1 } }),
  },
  {
    name: "junk character inside the ciphertext (Node's Buffer base64 decoder skips it)",
    expected: "accept",
    token: async () => setSegment(await mint(), 3, (s) => `${s.slice(0, 8)}!${s.slice(8)}`),
  },
  {
    name: "standard-base64 '+' and '/' in place of '-' and '_' (Buffer accepts both alphabets)",
    expected: "accept",
    token: async () => {
      // Retry until the ciphertext contains a character that differs between the alphabets.
      for (;;) {
        const token = await mint({ n: Math.random() });
        if (/[-_]/.test(token.split(".")[3]!))
          return setSegment(token, 3, (s) => s.replace(/-/g, "+").replace(/_/g, "/"));
      }
    },
  },
];

describe("nextAuthV4Session agrees with next-auth@4's decode", () => {
  it.each(agreeing)("$name", async ({ token, expected }) => {
    const value = await token();
    const want = await referenceDecode(value);
    expect(want === null ? "reject" : "accept").toBe(expected);
    expect(await ours(value)).toEqual(want);
  });
});

describe("nextAuthV4Session is stricter than next-auth@4 where it is safe to be", () => {
  it.each(strictOnPurpose)("$name", async ({ token, expected }) => {
    const value = await token();
    const want = await referenceDecode(value);
    expect(want === null ? "reject" : "accept").toBe(expected);
    expect(await ours(value)).toBeNull();
  });
});

describe("nextAuthV4Session cookies, compared with next-auth@4's getToken", () => {
  const cases: { name: string; request: () => Promise<Request>; expected: "accept" | "reject" }[] =
    [
      {
        name: "plain cookie over http",
        expected: "accept",
        request: async () => requestWith(`${NAME}=${await mint()}`),
      },
      {
        name: "__Secure- cookie over https",
        expected: "accept",
        request: async () =>
          requestWith(`${SECURE_NAME}=${await mint()}`, "https://app.example/api/me"),
      },
      {
        name: "__Secure- cookie behind x-forwarded-proto: https",
        expected: "accept",
        request: async () =>
          requestWith(`${SECURE_NAME}=${await mint()}`, "http://localhost/", {
            "x-forwarded-proto": "https",
          }),
      },
      {
        name: "__Secure- cookie over http is ignored",
        expected: "reject",
        request: async () => requestWith(`${SECURE_NAME}=${await mint()}`),
      },
      {
        name: "plain cookie over https is ignored",
        expected: "reject",
        request: async () => requestWith(`${NAME}=${await mint()}`, "https://app.example/api/me"),
      },
      {
        name: "chunked cookie, out of order",
        expected: "accept",
        request: async () => {
          const token = await mint({ bio: "b".repeat(5000) });
          const half = Math.ceil(token.length / 2);
          return requestWith(`${NAME}.1=${token.slice(half)}; ${NAME}.0=${token.slice(0, half)}`);
        },
      },
      { name: "no cookie", expected: "reject", request: async () => requestWith(undefined) },
    ];

  it.each(cases)("$name", async ({ request, expected }) => {
    const req = await request();
    const want = await referenceGetToken(req.clone());
    expect(want === null ? "reject" : "accept").toBe(expected);
    expect(await ours(req)).toEqual(want);
  });
});

describe("nextAuthV4Session options", () => {
  it("rotation: accepts a token from any listed secret (v4 itself takes one secret)", async () => {
    const token = await mint({}, { secret: OLD_SECRET });
    expect(await ours(token, [SECRET, OLD_SECRET])).toEqual(
      await referenceDecode(token, OLD_SECRET),
    );
    expect(await ours(token, [SECRET])).toBeNull();
  });

  it("derives the key without the cookie name: a custom cookieName reads the same token", async () => {
    const token = await mint();
    const request = requestWith(`legacy.session=${token}`);
    expect(await ours(request, SECRET, { cookieName: "legacy.session" })).toEqual(
      await referenceDecode(token),
    );
  });

  it("throws when the secret function returns nothing", async () => {
    await expect(
      nextAuthV4Session({ secret: () => undefined })(requestWith(undefined)),
    ).rejects.toThrow(/no secret/);
  });
});
