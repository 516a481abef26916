/**
 * apiKeySource with keys created in the test (memory store) and through Better Auth's own API-key
 * plugin on its memory adapter (`auth.api.verifyApiKey` is both the store and the oracle): shown
 * once and stored hashed, the owner's account decides who the key is, org keys are machines,
 * expiry, revocation on the next request, the negative cache and the failed-lookup limit, and
 * the key's own rate limit counted by the kit.
 */
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { apiKey } from "@better-auth/api-key";
import { beforeAll, describe, expect, it } from "vitest";
import {
  apiKeySource,
  createApiKey,
  createAuthz,
  defineAccess,
  memoryApiKeyStore,
  type ApiKeyStore,
} from "@/lib/authz";
import { betterAuthApiKeys } from "@/lib/authz/api-key/better-auth";
import { constantTimeEqual, hashApiKey } from "@/lib/authz/api-key/key";
import { expectConfigError } from "../support/config-error";

const accounts: Record<string, { sub: string; role: string; tenant: string }> = {
  "user-carol": { sub: "user-carol", role: "member", tenant: "globex" },
};
const users = (id: string) => accounts[id] ?? null;
const request = (key?: string, headers: Record<string, string> = {}) =>
  new Request("https://api.example.test/x", {
    headers: { ...(key === undefined ? {} : { "x-api-key": key }), ...headers },
  });

/** A store that counts its lookups: the memory store, observed, not replaced. */
function counted(store: ApiKeyStore) {
  const counter = { finds: 0 };
  const wrapped: ApiKeyStore & { runtime: "edge" } = {
    runtime: "edge",
    find: (hash) => (counter.finds++, store.find(hash)),
    save: (record) => store.save(record),
    revoke: (id) => store.revoke(id),
  };
  return { store: wrapped, counter };
}

describe("createApiKey: created once, shown once, stored hashed", () => {
  it("returns the key once; the store holds its SHA-256 and a visible prefix only", async () => {
    const store = memoryApiKeyStore();
    const { key, record } = await createApiKey(store, {
      name: "CI",
      owner: { type: "user", id: "user-carol" },
      permissions: ["reports:export"],
      prefix: "sk_test_",
    });
    expect(key).toMatch(/^sk_test_[A-Za-z0-9_-]{32}$/);
    expect(record.hash).toBe(await hashApiKey(key));
    expect(record.hash).not.toContain(key.slice(8));
    expect(record.prefix).toBe(key.slice(0, 12));
    expect(JSON.stringify(await store.list("user-carol"))).not.toContain(key);
    const again = await createApiKey(store, {
      name: "CI",
      owner: { type: "user", id: "user-carol" },
      permissions: [],
    });
    expect(again.key).not.toBe(key);
  });

  it("refuses options that cannot make a usable key", async () => {
    const store = memoryApiKeyStore();
    const owner = { type: "user", id: "u" } as const;
    await expect(createApiKey(store, { name: "", owner, permissions: [] })).rejects.toMatchObject({
      code: "invalid_api_key_options",
    });
    await expect(
      createApiKey(store, { name: "x", owner, permissions: [], prefix: "sk live" }),
    ).rejects.toMatchObject({ code: "invalid_api_key_options" });
    await expect(
      createApiKey(store, { name: "x", owner, permissions: [], key: "pk_short" }),
    ).rejects.toMatchObject({ code: "invalid_api_key_options" });
  });

  it("compares without an early exit", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
  });
});

describe("apiKeySource over the memory store", () => {
  it("a user's key is that user as the account says, with the key's permissions as scopes", async () => {
    const store = memoryApiKeyStore();
    const { key, record } = await createApiKey(store, {
      name: "CI",
      owner: { type: "user", id: "user-carol" },
      permissions: ["reports:export"],
    });
    expect(await apiKeySource({ store, users }).read(request(key))).toEqual({
      status: "ok",
      auth: {
        claims: { sub: "user-carol", role: "member", tenant: "globex" },
        kind: "user",
        credential: "api_key",
        source: "api-key",
        scopes: ["reports:export"],
        label: record.prefix,
      },
    });
  });

  it("an org's key is a machine of that org, with no account", async () => {
    const store = memoryApiKeyStore();
    const { key } = await createApiKey(store, {
      name: "ETL",
      owner: { type: "org", id: "acme" },
      permissions: ["documents:read"],
    });
    expect(await apiKeySource({ store, users }).read(request(key))).toMatchObject({
      status: "ok",
      auth: { kind: "machine", claims: { sub: "org:acme", tenant: "acme" } },
    });
  });

  it("no header is none; unknown, malformed, expired keys and gone owners are invalid", async () => {
    let clock = 1_000_000;
    const store = memoryApiKeyStore();
    const source = apiKeySource({ store, users, now: () => clock });
    const { key: expiring } = await createApiKey(store, {
      name: "short",
      owner: { type: "user", id: "user-carol" },
      permissions: [],
      expiresAt: clock + 1_000,
    });
    const { key: orphan } = await createApiKey(store, {
      name: "orphan",
      owner: { type: "user", id: "user-gone" },
      permissions: [],
    });
    expect(await source.read(request())).toEqual({ status: "none" });
    expect((await source.read(request(expiring))).status).toBe("ok");
    clock += 1_000;
    for (const key of [expiring, orphan, "sk_unknown_0000000000000000000000", "a b"])
      expect(await source.read(request(key)), key).toMatchObject({
        status: "invalid",
        error: "invalid_api_key",
      });
  });

  it("revoke: refused on this instance's next request, and within cacheMs on another", async () => {
    let clock = 5_000_000;
    const shared = memoryApiKeyStore(); // one store, two instances' sources (their own caches)
    const here = apiKeySource({ store: shared, users, now: () => clock });
    const there = apiKeySource({ store: shared, users, now: () => clock, cacheMs: 2_000 });
    const { key, record } = await createApiKey(shared, {
      name: "CI",
      owner: { type: "user", id: "user-carol" },
      permissions: [],
    });
    expect((await here.read(request(key))).status).toBe("ok");
    expect((await there.read(request(key))).status).toBe("ok");
    expect(await here.revoke(record.id)).toBe(true);
    expect((await here.read(request(key))).status).toBe("invalid");
    expect((await there.read(request(key))).status).toBe("ok"); // its cache, at most 2 s old
    clock += 2_000;
    expect((await there.read(request(key))).status).toBe("invalid");
  });

  it("guessing costs the guesser: unknown keys are remembered, then lookups stop per client", async () => {
    let clock = 9_000_000;
    const { store, counter } = counted(memoryApiKeyStore());
    const { key } = await createApiKey(store, {
      name: "CI",
      owner: { type: "user", id: "user-carol" },
      permissions: [],
    });
    const source = apiKeySource({
      store,
      users,
      now: () => clock,
      failedLookupsPerMinute: 3,
      clientIp: (r) => r.headers.get("x-client"),
    });
    const guess = (n: number) => `sk_guess_${String(n).padStart(24, "0")}`;
    await source.read(request(guess(1), { "x-client": "6.6.6.6" }));
    await source.read(request(guess(1), { "x-client": "6.6.6.6" }));
    expect(counter.finds).toBe(1); // the second try of one guess is remembered
    await source.read(request(guess(2), { "x-client": "6.6.6.6" }));
    await source.read(request(guess(3), { "x-client": "6.6.6.6" }));
    expect(counter.finds).toBe(3);
    const blocked = await source.read(request(guess(4), { "x-client": "6.6.6.6" }));
    expect(blocked).toMatchObject({ status: "invalid", description: "too many failed lookups" });
    expect(counter.finds).toBe(3); // no lookup for a client over its limit
    // Another client is not locked out by the guesser, and the limit ends with its minute.
    expect((await source.read(request(key, { "x-client": "192.0.2.1" }))).status).toBe("ok");
    clock += 60_000;
    await source.read(request(guess(5), { "x-client": "6.6.6.6" }));
    expect(counter.finds).toBe(5);
  });

  it("the key's own rate limit is counted by the kit: 429 past it", async () => {
    const access = defineAccess({ roles: { member: {} } });
    const policy = access.policy({ name: "api", accepts: ["api_key"] });
    const store = memoryApiKeyStore();
    const { key } = await createApiKey(store, {
      name: "metered",
      owner: { type: "user", id: "user-carol" },
      permissions: [],
      rateLimit: { limit: 2, windowMs: 60_000 },
    });
    const authz = createAuthz({ session: [apiKeySource({ store, users })] });
    expect((await authz.check(policy, request(key))).allowed).toBe(true);
    expect((await authz.check(policy, request(key))).allowed).toBe(true);
    const third = await authz.check(policy, request(key));
    expect(third).toMatchObject({ allowed: false, status: 429, code: "rate_limited" });
    expect(authz.denialResponse(third as never).headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("checks its options at definition", () => {
    const store = memoryApiKeyStore();
    expectConfigError(() => apiKeySource({ store: {} as never, users }), "invalid_api_key_options");
    expectConfigError(
      () => apiKeySource({ store, users, cacheMs: 60_000 }),
      "invalid_api_key_options",
    );
    expectConfigError(
      () => apiKeySource({ store, users, header: "authorization" }),
      "invalid_api_key_options",
    );
  });
});

describe("Better Auth's API-key plugin as the store (its memory adapter, its own verifyApiKey)", () => {
  let auth: ReturnType<typeof makeAuth>;
  let userId: string;

  function makeAuth() {
    return betterAuth({
      baseURL: "http://localhost:3000",
      secret: "better-auth-api-key-test-secret-0123456789",
      database: memoryAdapter({ user: [], session: [], account: [], verification: [], apikey: [] }),
      emailAndPassword: { enabled: true },
      plugins: [apiKey()],
      telemetry: { enabled: false },
      logger: { disabled: true },
    });
  }

  beforeAll(async () => {
    auth = makeAuth();
    const signUp = await auth.api.signUpEmail({
      body: { email: "carol@example.com", password: "demo-password-123", name: "Carol" },
    });
    userId = signUp.user.id;
    accounts[userId] = { sub: userId, role: "member", tenant: "globex" };
  });

  it("agrees with verifyApiKey on valid, tampered, unknown and disabled keys", async () => {
    const created = await auth.api.createApiKey({
      body: { userId, name: "ci", permissions: { reports: ["export"] }, rateLimitEnabled: false },
    });
    const disabled = await auth.api.createApiKey({
      body: { userId, name: "off", rateLimitEnabled: false },
    });
    await auth.api.updateApiKey({ body: { keyId: disabled.id, userId, enabled: false } });
    const source = apiKeySource({ store: betterAuthApiKeys(auth), users, cacheMs: 0 });
    const cases = {
      valid: created.key,
      tampered: `${created.key.slice(0, -1)}${created.key.endsWith("a") ? "b" : "a"}`,
      unknown: "zz_0000000000000000000000000000000000000000000000",
      disabled: disabled.key,
    };
    const outcomes: Record<string, [boolean, boolean]> = {};
    for (const [name, key] of Object.entries(cases)) {
      const oracle = await auth.api.verifyApiKey({ body: { key } });
      const kit = await source.read(request(key));
      outcomes[name] = [kit.status === "ok", oracle.valid];
    }
    expect(outcomes).toEqual({
      valid: [true, true],
      tampered: [false, false],
      unknown: [false, false],
      disabled: [false, false],
    });
    expect(await source.read(request(created.key))).toMatchObject({
      status: "ok",
      auth: { claims: { sub: userId }, scopes: ["reports:export"], label: created.start },
    });
  });

  it("refuses an auth without the plugin at definition", () => {
    expectConfigError(() => betterAuthApiKeys({} as never), "invalid_api_key_options");
  });
});
