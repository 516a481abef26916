/**
 * sealedCookie against iron-session 9 itself: seals and chunked cookies are written by
 * iron-session (`sealData`, and `getIronSession(...).save()` with `chunk: true` through a cookie
 * jar), then read by iron-session (`getIronSession` with `onUnsealError`, which is `unsealData`
 * behind iron-session's own chunk reader) and by the kit from the same `Cookie` header. The accept
 * sets must be equal, and the kit's subject must be the session's user id. Deliberate differences
 * (size) are apart.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getIronSession, sealData, unsealData } from "iron-session";
import { sealedCookie, defaultSealedCookieClaims } from "../../lib/authz/session/sealed-cookie";
import { unsealIron } from "../../lib/authz/session/iron";
import { expectConfigError } from "../support/config-error";

const NOW_MS = 1_800_000_000_000;
const PASSWORD = "complex_password_at_least_32_characters_long";
const NEW_PASSWORD = "another_password_at_least_32_characters_long!";
const NAME = "myapp_session";

type Cookies = Map<string, string>;

/** iron-session's jar over a plain map, so its own chunk reader and writer run. */
function jar(cookies: Cookies) {
  return {
    read: (name: string) => cookies.get(name),
    names: () => [...cookies.keys()],
    write: (name: string, value: string) => {
      if (value === "") cookies.delete(name);
      else cookies.set(name, value);
    },
  };
}

const header = (cookies: Cookies) =>
  [...cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join("; ");

type Passwords = string | Record<number, string>;

/** iron-session's verdict: the session's userId, or null when the cookie did not unseal. */
async function ironVerdict(cookies: Cookies, password: Passwords): Promise<string | null> {
  let failed = false;
  const session = (await getIronSession(jar(new Map(cookies)) as never, {
    cookieName: NAME,
    password,
    onUnsealError: () => {
      failed = true;
    },
  })) as unknown as Record<string, unknown>;
  if (failed) return null;
  const id = session.userId;
  return id === undefined ? null : String(id);
}

async function kitVerdict(cookies: Cookies, password: Passwords): Promise<string | null> {
  const outcome = await sealedCookie({ cookieName: NAME, password, cache: false }).read(
    new Request("https://app.example/", { headers: { cookie: header(cookies) } }),
  );
  return outcome.status === "ok" ? String(outcome.auth.claims.sub) : null;
}

async function seal(data: Record<string, unknown>, password: Passwords = PASSWORD, ttl = 3600) {
  return sealData(data, { password, ttl });
}

/** Cookies as iron-session's `save()` writes them (chunked when large). */
async function saved(
  data: Record<string, unknown>,
  password: Passwords = PASSWORD,
): Promise<Cookies> {
  const cookies: Cookies = new Map();
  const session = (await getIronSession(jar(cookies) as never, {
    cookieName: NAME,
    password,
    ttl: 3600,
    chunk: true,
  })) as unknown as Record<string, unknown> & { save(): Promise<void> };
  Object.assign(session, data);
  await session.save();
  return cookies;
}

const one = (value: string): Cookies => new Map([[NAME, value]]);
const user = { userId: 42, username: "alice", isLoggedIn: true };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW_MS);
});
afterEach(() => vi.useRealTimers());

async function corpus(): Promise<{ label: string; cookies: Cookies; at?: number }[]> {
  const cases: { label: string; cookies: Cookies; at?: number }[] = [];
  const valid = await seal(user);
  cases.push({ label: "valid", cookies: one(valid) });
  cases.push({ label: "valid, string id", cookies: one(await seal({ userId: "u-7" })) });
  cases.push({
    label: "valid, no ttl (never expires)",
    cookies: one(await seal(user, PASSWORD, 0)),
  });
  // Expiry: sealed with ttl 3600 at NOW; iron allows 60 s of skew past it.
  const exp = NOW_MS + 3_600_000;
  cases.push({ label: "at expiry", cookies: one(valid), at: exp });
  cases.push({ label: "expiry + 59.999 s", cookies: one(valid), at: exp + 59_999 });
  cases.push({ label: "expiry + 60 s (the skew)", cookies: one(valid), at: exp + 60_000 });
  cases.push({ label: "expiry + 61 s", cookies: one(valid), at: exp + 61_000 });
  const parts = valid.split("*");
  const swap = (index: number, value: string) => {
    const copy = [...parts];
    copy[index] = value;
    return copy.join("*");
  };
  const flip = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);
  cases.push({ label: "tampered ciphertext", cookies: one(swap(4, flip(parts[4]!))) });
  cases.push({ label: "tampered mac", cookies: one(swap(7, flip(parts[7]!))) });
  cases.push({ label: "tampered iv", cookies: one(swap(3, flip(parts[3]!))) });
  cases.push({
    label: "tampered expiry (extended)",
    cookies: one(swap(5, String(Number(parts[5]) + 1000))),
  });
  cases.push({ label: "expiry removed", cookies: one(swap(5, "")) });
  cases.push({ label: "expiry not a number", cookies: one(swap(5, "12x")) });
  cases.push({ label: "other password id", cookies: one(swap(1, "2")) });
  cases.push({ label: "empty password id", cookies: one(swap(1, "")) });
  cases.push({ label: "prefix Fe26.1 (swapped format)", cookies: one(swap(0, "Fe26.1")) });
  cases.push({ label: "seven parts", cookies: one(parts.slice(0, 7).join("*")) });
  cases.push({ label: "version suffix ~9 (ignored)", cookies: one(valid.replace(/~2$/, "~9")) });
  cases.push({ label: "no version suffix", cookies: one(valid.replace(/~2$/, "")) });
  cases.push({ label: "wrong password", cookies: one(await seal(user, "x".repeat(40))) });
  cases.push({ label: "rotated: sealed with the old password (id 1)", cookies: one(valid) });
  cases.push({
    label: "rotated: sealed with the new password (id 2)",
    cookies: one(await seal(user, { 1: PASSWORD, 2: NEW_PASSWORD })),
  });
  cases.push({ label: "not a seal", cookies: one("hello") });
  cases.push({ label: "logged out session", cookies: one(await seal({ isLoggedIn: false })) });
  // Chunks, as iron-session's save() writes them.
  const big = await saved({ ...user, notes: "n".repeat(9000) });
  expect(big.size).toBeGreaterThan(2);
  cases.push({ label: "chunked, as saved", cookies: big });
  const without = (name: string) => new Map([...big].filter(([n]) => n !== name));
  cases.push({ label: "chunk gap (.1 missing)", cookies: without(`${NAME}.1`) });
  cases.push({ label: "no .0", cookies: without(`${NAME}.0`) });
  cases.push({
    label: "stale chunk from another session",
    cookies: new Map([...big].map(([n, v]) => [n, n === `${NAME}.1` ? flip(v) : v])),
  });
  cases.push({
    label: "whole cookie plus stale chunks (whole wins)",
    cookies: new Map([...big, [NAME, valid]]),
  });
  cases.push({ label: "fifth chunk (ignored)", cookies: new Map([...big, [`${NAME}.4`, "junk"]]) });
  cases.push({ label: "no cookie", cookies: new Map([["other", "1"]]) });
  return cases;
}

describe("sealedCookie agrees with iron-session", () => {
  for (const [name, password] of [
    ["one password", PASSWORD],
    ["a rotation map", { 2: NEW_PASSWORD, 1: PASSWORD }],
  ] as const) {
    it(`has the same accept set and subjects (${name})`, async () => {
      const cases = await corpus();
      const disagreements: string[] = [];
      let accepted = 0;
      for (const c of cases) {
        vi.setSystemTime(c.at ?? NOW_MS);
        const expected = await ironVerdict(c.cookies, password);
        const actual = await kitVerdict(c.cookies, password);
        if (expected) accepted++;
        if (expected !== actual) disagreements.push(`${c.label}: iron ${expected}, kit ${actual}`);
      }
      expect(disagreements).toEqual([]);
      expect(accepted).toBeGreaterThanOrEqual(7);
      expect(cases.length - accepted).toBeGreaterThanOrEqual(15);
    });
  }

  it("unsealIron returns what unsealData returns, for any JSON value", async () => {
    for (const data of [{ a: 1 }, { nested: { list: [1, "two", null] } }, { unicode: "é✓😀" }]) {
      const sealed = await seal(data);
      expect((await unsealIron(sealed, { "1": PASSWORD }))?.value).toEqual(
        await unsealData(sealed, { password: PASSWORD }),
      );
    }
  });
});

describe("sealedCookie outcomes, options and differences", () => {
  it("answers none for a logged-out session and invalid for a tampered one", async () => {
    const source = sealedCookie({ cookieName: NAME, password: PASSWORD });
    const read = (value: string) =>
      source.read(new Request("https://app.example/", { headers: { cookie: `${NAME}=${value}` } }));
    expect(await read(await seal({ isLoggedIn: false }))).toEqual({ status: "none" });
    expect((await read("Fe26.2*1*a*b*c*d*e*f")).status).toBe("invalid");
    expect(await read(await seal(user))).toMatchObject({
      status: "ok",
      auth: {
        claims: { sub: "42" },
        expiresAt: NOW_MS / 1000 + 3600 + 60,
        source: "sealed-cookie",
      },
    });
  });

  it("refuses a whole cookie over maxTokenBytes that iron-session would read", async () => {
    const sealed = await seal({ ...user, notes: "n".repeat(20_000) });
    expect(await ironVerdict(one(sealed), PASSWORD)).toBe("42");
    expect(await kitVerdict(one(sealed), PASSWORD)).toBeNull();
  });

  it("keeps only the kit's fields by default", () => {
    expect(defaultSealedCookieClaims({ user: { id: 3, role: "admin", token: "t" } })).toEqual({
      sub: "3",
      role: "admin",
    });
    expect(defaultSealedCookieClaims({ userId: 1, isLoggedIn: false })).toBeNull();
  });

  it("checks passwords at definition as iron-session does", () => {
    expectConfigError(
      () => sealedCookie({ cookieName: NAME, password: "short" }),
      "invalid_session_options",
    );
    expectConfigError(
      () => sealedCookie({ cookieName: NAME, password: { a: PASSWORD } }),
      "invalid_session_options",
    );
    expectConfigError(
      () => sealedCookie({ cookieName: NAME, password: {} }),
      "invalid_session_options",
    );
    expectConfigError(
      () => sealedCookie({ cookieName: "", password: PASSWORD }),
      "invalid_session_options",
    );
  });

  it("reads the password per request when given a function", async () => {
    const source = sealedCookie({
      cookieName: NAME,
      password: () => process.env.TEST_IRON_PASSWORD,
    });
    const request = new Request("https://app.example/", {
      headers: { cookie: `${NAME}=${await seal(user)}` },
    });
    await expect(source.read(request)).rejects.toThrow(/no password/);
    process.env.TEST_IRON_PASSWORD = PASSWORD;
    expect((await source.read(request)).status).toBe("ok");
    delete process.env.TEST_IRON_PASSWORD;
  });
});
