/**
 * jwksCache against a real HTTP key server (node:http on 127.0.0.1): first fetch, TTL, a key
 * rotated in mid-test (unknown `kid` refetches at most once per cooldown), the server stopped
 * (stale keys served for the stale window, then JwksUnavailableError, never an anonymous pass), a
 * server that hangs (timeout), and junk answers. Tokens are minted by jose; time is the cache's
 * `now` option, so nothing sleeps but the timeout case.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { verifyJws } from "../../lib/authz/session/jws";
import {
  clearJwksCaches,
  jwksCache,
  JwksUnavailableError,
  type JwksCacheOptions,
} from "../../lib/authz/session/jwks";
import { expectConfigError } from "../support/config-error";

interface KeyServer {
  url: string;
  hits: number;
  /** What the server answers next: a key set, a status, or nothing at all (hang). */
  body: string;
  status: number;
  hang: boolean;
  close(): Promise<void>;
}

const servers: Server[] = [];

async function startKeyServer(): Promise<KeyServer> {
  const state = { hits: 0, body: JSON.stringify({ keys: [] }), status: 200, hang: false };
  const server = createServer((request, response) => {
    state.hits++;
    if (state.hang) return; // never answers: the client's timeout must cut it
    response.writeHead(state.status, { "content-type": "application/json" });
    response.end(state.body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get hits() {
      return state.hits;
    },
    set hits(value) {
      state.hits = value;
    },
    get body() {
      return state.body;
    },
    set body(value) {
      state.body = value;
    },
    get status() {
      return state.status;
    },
    set status(value) {
      state.status = value;
    },
    get hang() {
      return state.hang;
    },
    set hang(value) {
      state.hang = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

afterEach(async () => {
  clearJwksCaches();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

function keyPair(kid: string): {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
} {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    kid,
    privateKey,
    jwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" },
  };
}

const mint = (pair: { kid: string; privateKey: KeyObject }, sub = "user-1") =>
  new SignJWT({ sub }).setProtectedHeader({ alg: "ES256", kid: pair.kid }).sign(pair.privateKey);

describe("jwksCache over a real HTTP key server", () => {
  let clock = 1_800_000_000_000;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_800_000_000_000;
  });

  const options = (url: string, extra: Partial<JwksCacheOptions> = {}): JwksCacheOptions => ({
    url,
    algorithms: ["ES256"],
    now,
    ttlSec: 600,
    cooldownSec: 30,
    staleSec: 600,
    timeoutMs: 2000,
    ...extra,
  });

  it("fetches once, serves from cache, picks up a rotated key at most once per cooldown", async () => {
    const server = await startKeyServer();
    const first = keyPair("k1");
    const second = keyPair("k2");
    server.body = JSON.stringify({ keys: [first.jwk] });
    const keys = jwksCache(options(server.url));
    const verify = (token: string) => verifyJws(token, keys, { algorithms: ["ES256"] });

    expect((await verify(await mint(first)))?.claims.sub).toBe("user-1");
    expect((await verify(await mint(first, "user-2")))?.claims.sub).toBe("user-2");
    expect(server.hits).toBe(1);

    // The issuer rotates k2 in: the first token under it refetches, and is accepted.
    server.body = JSON.stringify({ keys: [second.jwk, first.jwk] });
    clock += 31_000;
    expect((await verify(await mint(second)))?.claims.sub).toBe("user-1");
    expect(server.hits).toBe(2);

    // A forged kid within the cooldown costs no fetch, and is refused.
    const forged = keyPair("k-forged");
    expect(await verify(await mint(forged))).toBeNull();
    expect(await verify(await mint(forged))).toBeNull();
    expect(server.hits).toBe(2);
    // Past the cooldown, one more fetch, still refused.
    clock += 30_000;
    expect(await verify(await mint(forged))).toBeNull();
    expect(server.hits).toBe(3);

    // k1 is removed; after the TTL the cache refetches and k1 tokens stop verifying.
    server.body = JSON.stringify({ keys: [second.jwk] });
    clock += 601_000;
    expect(await verify(await mint(first))).toBeNull();
    expect(server.hits).toBe(4);
    expect((await verify(await mint(second)))?.claims.sub).toBe("user-1");
  });

  it("deduplicates concurrent first fetches", async () => {
    const server = await startKeyServer();
    const pair = keyPair("k1");
    server.body = JSON.stringify({ keys: [pair.jwk] });
    const keys = jwksCache(options(server.url));
    const token = await mint(pair);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => verifyJws(token, keys, { algorithms: ["ES256"] })),
    );
    expect(results.every((r) => r?.claims.sub === "user-1")).toBe(true);
    expect(server.hits).toBe(1);
  });

  it("serves stale keys through an outage for the stale window, then throws (503), never null", async () => {
    const server = await startKeyServer();
    const pair = keyPair("k1");
    server.body = JSON.stringify({ keys: [pair.jwk] });
    const keys = jwksCache(options(server.url));
    const token = await mint(pair);
    const verify = () => verifyJws(token, keys, { algorithms: ["ES256"] });
    expect(await verify()).not.toBeNull();

    await server.close(); // outage
    clock += 700_000; // past the TTL, inside TTL + stale
    expect((await verify())?.claims.sub).toBe("user-1");
    // An unknown kid during the outage cannot be told from a rotated key: unavailable, not invalid.
    await expect(
      verifyJws(await mint(keyPair("k9")), keys, { algorithms: ["ES256"] }),
    ).rejects.toBeInstanceOf(JwksUnavailableError);
    clock += 500_001; // past TTL + stale (1 200 s after the last good fetch)
    await expect(verify()).rejects.toBeInstanceOf(JwksUnavailableError);
  });

  it("recovers when the server comes back after an outage", async () => {
    const server = await startKeyServer();
    const pair = keyPair("k1");
    server.body = JSON.stringify({ keys: [pair.jwk] });
    server.status = 503;
    const keys = jwksCache(options(server.url));
    const token = await mint(pair);
    await expect(verifyJws(token, keys, { algorithms: ["ES256"] })).rejects.toBeInstanceOf(
      JwksUnavailableError,
    );
    // Inside the cooldown no new fetch is made, and it still throws.
    server.status = 200;
    await expect(verifyJws(token, keys, { algorithms: ["ES256"] })).rejects.toBeInstanceOf(
      JwksUnavailableError,
    );
    expect(server.hits).toBe(1);
    clock += 30_000;
    expect(await verifyJws(token, keys, { algorithms: ["ES256"] })).not.toBeNull();
    expect(server.hits).toBe(2);
  });

  it("abandons a fetch that hangs after the timeout and throws", async () => {
    const server = await startKeyServer();
    server.hang = true;
    const keys = jwksCache(options(server.url, { timeoutMs: 150 }));
    const started = Date.now();
    await expect(
      verifyJws(await mint(keyPair("k1")), keys, { algorithms: ["ES256"] }),
    ).rejects.toBeInstanceOf(JwksUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("treats junk, oversized and redirecting answers as unavailable", async () => {
    const server = await startKeyServer();
    const token = await mint(keyPair("k1"));
    for (const [status, body] of [
      [200, "not json"],
      [200, JSON.stringify({ nokeys: true })],
      [200, JSON.stringify({ keys: [{ kty: "EC" }] }) + " ".repeat(70_000)],
      [302, ""],
    ] as const) {
      clearJwksCaches();
      server.status = status;
      server.body = body;
      const keys = jwksCache(options(server.url));
      await expect(verifyJws(token, keys, { algorithms: ["ES256"] })).rejects.toBeInstanceOf(
        JwksUnavailableError,
      );
    }
  });

  it("never takes a symmetric or mismatched key from the set", async () => {
    const server = await startKeyServer();
    const pair = keyPair("k1");
    server.body = JSON.stringify({
      keys: [
        { kty: "oct", k: Buffer.from("secret").toString("base64url"), kid: "k1", alg: "HS256" },
        { ...pair.jwk, use: "enc" },
      ],
    });
    const keys = jwksCache(options(server.url, { algorithms: ["ES256", "RS256"] }));
    const hs = await new SignJWT({ sub: "u" })
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .sign(new TextEncoder().encode("secret"));
    expect(await verifyJws(hs, keys, { algorithms: ["ES256", "RS256", "HS256"] })).toBeNull();
    expect(await verifyJws(await mint(pair), keys, { algorithms: ["ES256"] })).toBeNull();
  });

  it("keeps issuers apart: the same URL under two issuers is two caches", async () => {
    const server = await startKeyServer();
    const pair = keyPair("k1");
    server.body = JSON.stringify({ keys: [pair.jwk] });
    const a = jwksCache(options(server.url, { issuer: "https://a.example" }));
    const b = jwksCache(options(server.url, { issuer: "https://b.example" }));
    const a2 = jwksCache(options(server.url, { issuer: "https://a.example" }));
    const token = await mint(pair);
    await verifyJws(token, a, { algorithms: ["ES256"] });
    await verifyJws(token, a2, { algorithms: ["ES256"] });
    expect(server.hits).toBe(1);
    await verifyJws(token, b, { algorithms: ["ES256"] });
    expect(server.hits).toBe(2);
  });
});

describe("jwksCache options", () => {
  it("refuses plain http off loopback, HS256, an empty allowlist and bad numbers at definition", () => {
    expectConfigError(
      () => jwksCache({ url: "http://issuer.example/jwks", algorithms: ["ES256"] }),
      "invalid_session_options",
    );
    expectConfigError(
      () => jwksCache({ url: "not a url", algorithms: ["ES256"] }),
      "invalid_session_options",
    );
    expectConfigError(
      () => jwksCache({ url: "https://issuer.example/jwks", algorithms: ["HS256" as "ES256"] }),
      "invalid_session_options",
    );
    expectConfigError(
      () => jwksCache({ url: "https://issuer.example/jwks", algorithms: [] }),
      "invalid_session_options",
    );
    expectConfigError(
      () => jwksCache({ url: "https://issuer.example/jwks", algorithms: ["ES256"], ttlSec: -1 }),
      "invalid_session_options",
    );
    expect(() =>
      jwksCache({ url: "https://issuer.example/jwks", algorithms: ["EdDSA"] }),
    ).not.toThrow();
  });
});
