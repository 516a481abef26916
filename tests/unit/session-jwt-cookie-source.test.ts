/**
 * The verified-token cache of the JWT session readers. A hit is observed without timing: a cache hit
 * runs no content decryption, so we count `crypto.subtle.sign` (the HMAC of A256CBC-HS512) calls.
 */
import { createCipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encode } from "next-auth/jwt";
import { authJsSession } from "../../lib/authz/session";

const SECRET = "cache-secret-0123456789abcdef0123456789abcdef";
const OTHER = "cache-other-0123456789abcdef0123456789abcdef";
const NAME = "authjs.session-token";
const START = new Date("2030-01-01T00:00:00Z");

const mint = (sub: string, opts: { secret?: string; maxAge?: number } = {}) =>
  encode({
    token: { sub },
    secret: opts.secret ?? SECRET,
    salt: NAME,
    ...(opts.maxAge !== undefined && { maxAge: opts.maxAge }),
  });
/** An Auth.js-compatible token without `exp`, which `encode` cannot produce (node:crypto, not the kit). */
function craftWithoutExp(claims: Record<string, unknown>): string {
  const key = Buffer.from(
    hkdfSync("sha256", SECRET, NAME, `Auth.js Generated Encryption Key (${NAME})`, 64),
  );
  const header = Buffer.from(JSON.stringify({ alg: "dir", enc: "A256CBC-HS512" })).toString(
    "base64url",
  );
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key.subarray(32), iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(claims)), cipher.final()]);
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(header.length * 8));
  const tag = createHmac("sha512", key.subarray(0, 32))
    .update(Buffer.concat([Buffer.from(header), iv, ciphertext, al]))
    .digest();
  return [
    header,
    "",
    iv.toString("base64url"),
    ciphertext.toString("base64url"),
    tag.subarray(0, 32).toString("base64url"),
  ].join(".");
}
const requestWith = (token: string) =>
  new Request("http://localhost/api/me", { headers: { cookie: `${NAME}=${token}` } });

let sign: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(START);
  sign = vi.spyOn(crypto.subtle, "sign");
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Reads once and reports whether the token was decrypted (a miss) or served from the cache. */
async function read(source: ReturnType<typeof authJsSession>, token: string) {
  const before = sign.mock.calls.length;
  const claims = await source(requestWith(token));
  return { claims, decrypted: sign.mock.calls.length > before };
}

describe("session cache", () => {
  it("serves a warm hit without decrypting, returning the same frozen claims", async () => {
    const source = authJsSession({ secret: SECRET });
    const token = await mint("u1");
    const first = await read(source, token);
    const second = await read(source, token);
    expect(first).toMatchObject({ decrypted: true, claims: { sub: "u1" } });
    expect(second.decrypted).toBe(false);
    expect(second.claims).toBe(first.claims);
    expect(Object.isFrozen(second.claims)).toBe(true);
  });

  it("decrypts every time when disabled", async () => {
    const source = authJsSession({ secret: SECRET, cache: false });
    const token = await mint("u1");
    expect((await read(source, token)).decrypted).toBe(true);
    expect((await read(source, token)).decrypted).toBe(true);
  });

  it("is bounded, evicting the least recently used entry", async () => {
    const source = authJsSession({ secret: SECRET, cache: { max: 2 } });
    const [a, b, c] = await Promise.all([mint("a"), mint("b"), mint("c")]);
    await read(source, a);
    await read(source, b);
    expect((await read(source, a)).decrypted).toBe(false); // a is now the most recent
    await read(source, c); // evicts b
    expect((await read(source, a)).decrypted).toBe(false);
    expect((await read(source, c)).decrypted).toBe(false);
    expect((await read(source, b)).decrypted).toBe(true);
  });

  it("never serves a token from the cache at or after its exp", async () => {
    const source = authJsSession({ secret: SECRET });
    const token = await mint("u1", { maxAge: 60 });
    const exp = START.getTime() / 1000 + 60;
    expect((await read(source, token)).decrypted).toBe(true);

    vi.setSystemTime((exp - 1) * 1000);
    expect(await read(source, token)).toMatchObject({ decrypted: false, claims: { sub: "u1" } });

    // At exp the cache steps aside; full verification still accepts within the clock tolerance...
    vi.setSystemTime(exp * 1000);
    expect(await read(source, token)).toMatchObject({ decrypted: true, claims: { sub: "u1" } });
    vi.setSystemTime((exp + 10) * 1000);
    expect(await read(source, token)).toMatchObject({ decrypted: true, claims: { sub: "u1" } });
    // ...and rejects beyond it.
    vi.setSystemTime((exp + 15) * 1000);
    expect(await read(source, token)).toMatchObject({ decrypted: true, claims: null });
  });

  it("does not cache a token that is already past exp but within tolerance", async () => {
    const source = authJsSession({ secret: SECRET });
    const token = await mint("u1", { maxAge: -5 });
    expect((await read(source, token)).claims).not.toBeNull();
    expect((await read(source, token)).decrypted).toBe(true);
  });

  it("distinguishes secrets: a token cached under one secret is not served under another", async () => {
    let secret: string | string[] = SECRET;
    const source = authJsSession({ secret: () => secret });
    const token = await mint("u1");
    expect((await read(source, token)).claims).not.toBeNull();

    secret = OTHER;
    expect(await read(source, token)).toMatchObject({ claims: null });

    secret = [OTHER, SECRET]; // rotation that still holds the secret: verified again, accepted
    expect(await read(source, token)).toMatchObject({ decrypted: true, claims: { sub: "u1" } });
    expect(await read(source, token)).toMatchObject({ decrypted: false, claims: { sub: "u1" } });
  });

  it("keeps separate caches per source", async () => {
    const token = await mint("u1");
    const good = authJsSession({ secret: SECRET });
    const wrong = authJsSession({ secret: OTHER });
    expect((await read(good, token)).claims).not.toBeNull();
    expect((await read(wrong, token)).claims).toBeNull();
  });

  it("does not cache a failed token as valid", async () => {
    const source = authJsSession({ secret: SECRET });
    const valid = await mint("u1");
    // A forged tag: the kid matches, so the token goes all the way to the HMAC check and fails there.
    const token = valid.slice(0, -10) + (valid.at(-10) === "A" ? "B" : "A") + valid.slice(-9);
    expect(await read(source, token)).toMatchObject({ decrypted: true, claims: null });
    expect(await read(source, token)).toMatchObject({ decrypted: true, claims: null });
  });

  it("does not cache a token without exp (nothing would bound how long it is served)", async () => {
    const source = authJsSession({ secret: SECRET });
    const token = craftWithoutExp({ sub: "u1" });
    expect(await read(source, token)).toMatchObject({ decrypted: true, claims: { sub: "u1" } });
    expect(await read(source, token)).toMatchObject({ decrypted: true, claims: { sub: "u1" } });
  });
});
