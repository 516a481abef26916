/**
 * verifyJws against jose's `jwtVerify`: a generated corpus (every algorithm, times at and past the
 * tolerance, tampering, wrong and confused keys, swapped and forbidden `alg`, `typ`, `iss`/`aud`,
 * malformed parts) is read by both with the same options, and the accept sets must be equal, with
 * equal claims. Tokens are minted by jose's `SignJWT` or, for headers jose refuses to write, signed
 * with node:crypto, never by the code under test. Where the kit is deliberately stricter (size
 * limit, non-canonical base64url) the cases are apart and assert that the kit refuses.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SignJWT, jwtVerify, type JWTVerifyOptions } from "jose";
import * as kitJws from "../../lib/authz/session/jws";
import { loadInEdgeSandbox } from "../support/edge-sandbox";
import {
  importHmacSecret,
  importJwsKey,
  importSpkiPem,
  verifyJws,
  type JwsAlgorithm,
  type JwsKey,
  type VerifyJwsOptions,
} from "../../lib/authz/session/jws";

const NOW = 1_800_000_000;
const SECRET = "hs256-secret-0123456789abcdef0123456789abcdef";
const OTHER_SECRET = "hs256-other-0123456789abcdef0123456789abcdef";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsaOther = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rsaSmall = generateKeyPairSync("rsa", { modulusLength: 1024 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ecOther = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ed = generateKeyPairSync("ed25519");
const edOther = generateKeyPairSync("ed25519");

type Asym = Exclude<JwsAlgorithm, "HS256">;
const PAIRS: Record<Asym, { privateKey: KeyObject; publicKey: KeyObject }> = {
  RS256: rsa,
  ES256: ec,
  EdDSA: ed,
};
const OTHER: Record<Asym, { privateKey: KeyObject; publicKey: KeyObject }> = {
  RS256: rsaOther,
  ES256: ecOther,
  EdDSA: edOther,
};

const b64u = (input: Buffer | string) => Buffer.from(input).toString("base64url");

/** Signs any header and payload with node:crypto, independently of jose and of the kit. */
function forge(
  header: Record<string, unknown>,
  payload: unknown,
  alg: JwsAlgorithm | "none",
  key?: KeyObject | string,
): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  let signature: Buffer;
  if (alg === "none") signature = Buffer.alloc(0);
  else if (alg === "HS256")
    signature = createHmac("sha256", key as string)
      .update(input)
      .digest();
  else if (alg === "RS256") signature = sign("sha256", Buffer.from(input), key as KeyObject);
  else if (alg === "ES256")
    signature = sign("sha256", Buffer.from(input), {
      key: key as KeyObject,
      dsaEncoding: "ieee-p1363",
    });
  else signature = sign(null, Buffer.from(input), key as KeyObject);
  return `${input}.${b64u(signature)}`;
}

async function mint(
  alg: JwsAlgorithm,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
  key: KeyObject | string = alg === "HS256" ? SECRET : PAIRS[alg].privateKey,
): Promise<string> {
  const signer = new SignJWT(claims).setProtectedHeader({ ...header, alg });
  return signer.sign(typeof key === "string" ? new TextEncoder().encode(key) : key);
}

interface Setup {
  readonly name: string;
  /** Key given to jose (KeyObject or secret bytes). */
  readonly joseKey: KeyObject | Uint8Array;
  /** Keys given to the kit. */
  readonly kitKeys: () => Promise<JwsKey[]>;
}

const kitPublic = async (alg: Asym, pair = PAIRS[alg]): Promise<JwsKey[]> => [
  await importJwsKey(pair.publicKey.export({ format: "jwk" }) as Record<string, unknown>, alg),
];

const SETUPS: Record<JwsAlgorithm, Setup> = {
  HS256: {
    name: "HS256",
    joseKey: new TextEncoder().encode(SECRET),
    kitKeys: async () => [await importHmacSecret(SECRET)],
  },
  RS256: { name: "RS256", joseKey: rsa.publicKey, kitKeys: () => kitPublic("RS256") },
  ES256: { name: "ES256", joseKey: ec.publicKey, kitKeys: () => kitPublic("ES256") },
  EdDSA: { name: "EdDSA", joseKey: ed.publicKey, kitKeys: () => kitPublic("EdDSA") },
};

interface Case {
  readonly label: string;
  readonly token: string;
  readonly setup: Setup;
  readonly options: VerifyJwsOptions;
}

function joseOptions(options: VerifyJwsOptions): JWTVerifyOptions {
  return {
    algorithms: [...options.algorithms],
    currentDate: new Date((options.nowSec ?? NOW) * 1000),
    ...(options.clockToleranceSec === undefined
      ? {}
      : { clockTolerance: options.clockToleranceSec }),
    ...(options.typ === undefined ? {} : { typ: options.typ }),
    ...(options.issuer === undefined
      ? {}
      : { issuer: typeof options.issuer === "string" ? options.issuer : [...options.issuer] }),
    ...(options.audience === undefined
      ? {}
      : {
          audience: typeof options.audience === "string" ? options.audience : [...options.audience],
        }),
    ...(options.requiredClaims === undefined
      ? {}
      : { requiredClaims: [...options.requiredClaims] }),
  };
}

async function oracle(c: Case): Promise<Record<string, unknown> | null> {
  try {
    const { payload } = await jwtVerify(c.token, c.setup.joseKey, joseOptions(c.options));
    return payload as Record<string, unknown>;
  } catch {
    return null;
  }
}

async function kit(c: Case): Promise<Record<string, unknown> | null> {
  const keys = await c.setup.kitKeys();
  const result = await verifyJws(c.token, async () => keys, { nowSec: NOW, ...c.options });
  return result ? { ...result.claims } : null;
}

function tamperSignature(token: string): string {
  const [h, p, s = ""] = token.split(".");
  const bytes = Buffer.from(s, "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return `${h}.${p}.${b64u(bytes)}`;
}

function tamperPayload(token: string, claims: Record<string, unknown>): string {
  const [h, , s] = token.split(".");
  return `${h}.${b64u(JSON.stringify(claims))}.${s}`;
}

async function buildCorpus(): Promise<Case[]> {
  const cases: Case[] = [];
  const base = { sub: "user-1", iss: "https://issuer.example", aud: "app", iat: NOW - 10 };
  for (const alg of ["HS256", "RS256", "ES256", "EdDSA"] as const) {
    const setup = SETUPS[alg];
    const only: VerifyJwsOptions = { algorithms: [alg] };
    const all: VerifyJwsOptions = { algorithms: ["HS256", "RS256", "ES256", "EdDSA"] };
    const add = (label: string, token: string, options: VerifyJwsOptions = only) =>
      cases.push({ label: `${alg} ${label}`, token, setup, options });

    const valid = await mint(alg, { ...base, exp: NOW + 60 });
    add("valid", valid);
    add("valid under a wide allowlist", valid, all);
    add("no exp at all", await mint(alg, { ...base }));
    add("alg not in allowlist", valid, { algorithms: alg === "HS256" ? ["RS256"] : ["HS256"] });
    for (const tol of [0, 5, 60]) {
      const o = { ...only, clockToleranceSec: tol };
      add(`exp = now - tol (${tol})`, await mint(alg, { ...base, exp: NOW - tol }), o);
      add(`exp = now - tol + 1 (${tol})`, await mint(alg, { ...base, exp: NOW - tol + 1 }), o);
      add(`exp = now - tol - 1 (${tol})`, await mint(alg, { ...base, exp: NOW - tol - 1 }), o);
      add(
        `nbf = now + tol (${tol})`,
        await mint(alg, { ...base, nbf: NOW + tol, exp: NOW + 99 }),
        o,
      );
      add(`nbf = now + tol + 1 (${tol})`, await mint(alg, { ...base, nbf: NOW + tol + 1 }), o);
      add(`iat in the future (${tol})`, await mint(alg, { ...base, iat: NOW + tol + 100 }), o);
    }
    add("exp a string", await mint(alg, { ...base, exp: String(NOW + 60) }));
    add("nbf a string", await mint(alg, { ...base, nbf: "0" }));
    add("iat a string", await mint(alg, { ...base, iat: "now" }));
    add("exp null", await mint(alg, { ...base, exp: null }));
    add("tampered signature", tamperSignature(valid));
    add("tampered payload", tamperPayload(valid, { ...base, sub: "admin", exp: NOW + 60 }));
    add("signature dropped", valid.split(".").slice(0, 2).join(".") + ".");
    add("two segments", valid.split(".").slice(0, 2).join("."));
    add("four segments", `${valid}.x`);
    add("empty", "");
    add("not a token", "hello");
    if (alg === "HS256") {
      add("wrong secret", await mint(alg, { ...base, exp: NOW + 60 }, {}, OTHER_SECRET));
      // HS/RS confusion: an HMAC over the token made with the RSA public key's PEM as secret.
      const pem = rsa.publicKey.export({ format: "pem", type: "spki" }).toString();
      const confused = forge({ alg: "HS256" }, { ...base, exp: NOW + 60 }, "HS256", pem);
      cases.push({
        label: "HS256 signed with the RS256 public key PEM, checked against that key",
        token: confused,
        setup: SETUPS.RS256,
        options: all,
      });
    } else {
      add("wrong key", await mint(alg, { ...base, exp: NOW + 60 }, {}, OTHER[alg].privateKey));
      add("kid in header is ignored for a static key", await mint(alg, { ...base }, { kid: "x" }));
    }
    add("alg none", forge({ alg: "none" }, { ...base, exp: NOW + 60 }, "none"), all);
    add("alg none, named in allowlist by a cast", forge({ alg: "none" }, { ...base }, "none"), {
      algorithms: ["none" as JwsAlgorithm],
    });
    add(
      "alg swapped to HS256 with the shared secret",
      forge({ alg: "HS256" }, { ...base }, "HS256", SECRET),
      alg === "HS256" ? only : { algorithms: [alg] },
    );
    add("alg RS384 (unknown)", forge({ alg: "RS384" }, { ...base }, "none"), all);
    add("alg missing", forge({}, { ...base }, "none"), all);
    add("alg a number", forge({ alg: 256 }, { ...base }, "none"), all);
    // typ
    const typed = await mint(alg, { ...base }, { typ: "at+jwt" });
    add("typ at+jwt wanted at+jwt", typed, { ...only, typ: "at+jwt" });
    add("typ at+jwt wanted application/at+jwt", typed, { ...only, typ: "application/at+jwt" });
    add("typ at+jwt wanted AT+JWT", typed, { ...only, typ: "AT+JWT" });
    add("typ at+jwt wanted JWT", typed, { ...only, typ: "JWT" });
    add("typ absent wanted at+jwt", valid, { ...only, typ: "at+jwt" });
    add("typ JWT not asked", await mint(alg, { ...base }, { typ: "JWT" }));
    add(
      "crit header",
      forge(
        { alg, crit: ["exp"], exp: 1 },
        { ...base },
        alg,
        alg === "HS256" ? SECRET : PAIRS[alg].privateKey,
      ),
    );
    // iss / aud / required
    add("issuer matches", valid, { ...only, issuer: "https://issuer.example" });
    add("issuer in a list", valid, { ...only, issuer: ["x", "https://issuer.example"] });
    add("issuer differs", valid, { ...only, issuer: "https://other.example" });
    add("issuer wanted, absent", await mint(alg, { sub: "u" }), {
      ...only,
      issuer: "https://issuer.example",
    });
    add("audience matches", valid, { ...only, audience: "app" });
    add("audience differs", valid, { ...only, audience: "other" });
    add("aud list contains", await mint(alg, { ...base, aud: ["a", "app"] }), {
      ...only,
      audience: ["z", "app"],
    });
    add("aud list lacks", await mint(alg, { ...base, aud: ["a", "b"] }), {
      ...only,
      audience: "app",
    });
    add("aud a number", await mint(alg, { ...base, aud: 1 }), { ...only, audience: "app" });
    add("required sub present", valid, { ...only, requiredClaims: ["sub"] });
    add("required sid absent", valid, { ...only, requiredClaims: ["sid"] });
    // payload shapes
    add(
      "payload an array",
      forge({ alg }, [1, 2], alg, alg === "HS256" ? SECRET : PAIRS[alg].privateKey),
    );
    add(
      "payload null",
      forge({ alg }, null, alg, alg === "HS256" ? SECRET : PAIRS[alg].privateKey),
    );
    add(
      "payload a string",
      forge({ alg }, "hi", alg, alg === "HS256" ? SECRET : PAIRS[alg].privateKey),
    );
    add(
      "header an array",
      forge(
        [alg] as unknown as Record<string, unknown>,
        { ...base },
        alg,
        alg === "HS256" ? SECRET : PAIRS[alg].privateKey,
      ),
    );
  }
  // RSA keys under 2048 bits are refused by both.
  const smallToken = forge({ alg: "RS256" }, { sub: "u" }, "RS256", rsaSmall.privateKey);
  cases.push({
    label: "RS256 with a 1024-bit key",
    token: smallToken,
    setup: {
      name: "RS256-1024",
      joseKey: rsaSmall.publicKey,
      kitKeys: async () => {
        // importJwsKey refuses it; hand the raw CryptoKey to prove verifyJws refuses it as well.
        const key = await crypto.subtle.importKey(
          "jwk",
          rsaSmall.publicKey.export({ format: "jwk" }),
          { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
          true,
          ["verify"],
        );
        return [{ alg: "RS256", key }];
      },
    },
    options: { algorithms: ["RS256"] },
  });
  // ES256 key confused as EdDSA and vice versa: a key verifies only its own algorithm.
  cases.push({
    label: "EdDSA token against an ES256 key",
    token: await mint("EdDSA", { sub: "u" }),
    setup: SETUPS.ES256,
    options: { algorithms: ["ES256", "EdDSA"] },
  });
  return cases;
}

describe("verifyJws agrees with jose jwtVerify", () => {
  it("has the same accept set and the same claims over the generated corpus", async () => {
    const corpus = await buildCorpus();
    expect(corpus.length).toBeGreaterThan(200);
    const disagreements: string[] = [];
    let accepted = 0;
    for (const c of corpus) {
      const [expected, actual] = await Promise.all([oracle(c), kit(c)]);
      if (expected) accepted++;
      if (JSON.stringify(expected) !== JSON.stringify(actual)) {
        disagreements.push(
          `${c.label}: jose ${expected ? "accepts" : "refuses"}, kit ${actual ? "accepts" : "refuses"}`,
        );
      }
    }
    expect(disagreements).toEqual([]);
    // Both sides of the corpus are populated: it is not all refusals or all accepts.
    expect(accepted).toBeGreaterThan(60);
    expect(corpus.length - accepted).toBeGreaterThan(100);
  });
});

describe("verifyJws in a Web-APIs-only sandbox (standing in for the Edge runtime)", () => {
  it("answers the whole corpus exactly as on Node", async () => {
    const { exports } = await loadInEdgeSandbox("lib/authz/session/jws.ts");
    const edge = exports as unknown as typeof kitJws;
    const corpus = await buildCorpus();
    const differences: string[] = [];
    for (const c of corpus) {
      // The same keys, imported inside the sandbox by its own import functions.
      const keys = await Promise.all(
        (await c.setup.kitKeys()).map(async (k) => {
          if (k.alg === "HS256") return edge.importHmacSecret(SECRET);
          const jwk = (await crypto.subtle.exportKey("jwk", k.key)) as Record<string, unknown>;
          return edge.importJwsKey(jwk, k.alg).catch(() => ({ ...k }));
        }),
      );
      const options = { nowSec: NOW, ...c.options };
      const onEdge = await edge.verifyJws(c.token, async () => keys, options);
      const onNode = await kit(c);
      if (JSON.stringify(onEdge ? { ...onEdge.claims } : null) !== JSON.stringify(onNode)) {
        differences.push(c.label);
      }
    }
    expect(differences).toEqual([]);
  });
});

describe("verifyJws where it is deliberately stricter than jose", () => {
  it("refuses a header whose kid or typ is not a string, which jose ignores", async () => {
    const keys = [await importHmacSecret(SECRET)];
    for (const header of [
      { alg: "HS256", kid: 7 },
      { alg: "HS256", typ: ["JWT"] },
    ]) {
      const token = forge(header, { sub: "u" }, "HS256", SECRET);
      await expect(
        jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ["HS256"] }),
      ).resolves.toBeTruthy();
      expect(await verifyJws(token, async () => keys, { algorithms: ["HS256"] })).toBeNull();
    }
  });

  it("refuses a token over maxTokenBytes that jose would accept", async () => {
    const token = await mint("HS256", { sub: "u", pad: "x".repeat(20_000) });
    const key = new TextEncoder().encode(SECRET);
    await expect(jwtVerify(token, key, { algorithms: ["HS256"] })).resolves.toBeTruthy();
    const keys = [await importHmacSecret(SECRET)];
    expect(await verifyJws(token, async () => keys, { algorithms: ["HS256"] })).toBeNull();
    expect(
      await verifyJws(token, async () => keys, { algorithms: ["HS256"], maxTokenBytes: 40_000 }),
    ).not.toBeNull();
  });

  it("refuses a signature respelt with non-zero trailing bits", async () => {
    const token = await mint("HS256", { sub: "u" });
    const [h, p, s = ""] = token.split(".");
    // 32 bytes -> 43 characters, the last carrying 2 unused bits: flip one of them.
    const last = s.at(-1) ?? "A";
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const respelt = `${h}.${p}.${s.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    const keys = [await importHmacSecret(SECRET)];
    expect(await verifyJws(respelt, async () => keys, { algorithms: ["HS256"] })).toBeNull();
    expect(await verifyJws(token, async () => keys, { algorithms: ["HS256"] })).not.toBeNull();
  });

  it("skips a key whose kid differs from the token's when both name one", async () => {
    const token = await mint("ES256", { sub: "u" }, { kid: "a" });
    const jwk = ec.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
    const keyB = await importJwsKey({ ...jwk, kid: "b" }, "ES256");
    const keyA = await importJwsKey({ ...jwk, kid: "a" }, "ES256");
    expect(await verifyJws(token, async () => [keyB], { algorithms: ["ES256"] })).toBeNull();
    expect(await verifyJws(token, async () => [keyA], { algorithms: ["ES256"] })).not.toBeNull();
  });

  it("rejects a future iat only when asked (Clerk's rule), within the tolerance", async () => {
    const keys = [await importHmacSecret(SECRET)];
    const token = await mint("HS256", { sub: "u", iat: NOW + 6 });
    const opts = { algorithms: ["HS256"] as JwsAlgorithm[], nowSec: NOW, clockToleranceSec: 5 };
    expect(await verifyJws(token, async () => keys, opts)).not.toBeNull();
    expect(await verifyJws(token, async () => keys, { ...opts, rejectFutureIat: true })).toBeNull();
    const edge = await mint("HS256", { sub: "u", iat: NOW + 5 });
    expect(
      await verifyJws(edge, async () => keys, { ...opts, rejectFutureIat: true }),
    ).not.toBeNull();
  });
});

describe("key import", () => {
  it("imports an SPKI PEM for the algorithm it fits and refuses the others", async () => {
    const pem = rsa.publicKey.export({ format: "pem", type: "spki" }).toString();
    const key = await importSpkiPem(pem, "RS256");
    const token = await mint("RS256", { sub: "u" });
    expect((await verifyJws(token, async () => [key], { algorithms: ["RS256"] }))?.claims.sub).toBe(
      "u",
    );
    await expect(importSpkiPem(pem, "ES256")).rejects.toThrow();
    await expect(
      importSpkiPem("-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----", "RS256"),
    ).rejects.toThrow();
  });

  it("refuses JWKs that do not fit: oct, wrong curve, use enc, other alg, small RSA", async () => {
    const ecJwk = ec.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
    await expect(importJwsKey({ kty: "oct", k: "c2VjcmV0" }, "RS256")).rejects.toThrow();
    await expect(importJwsKey(ecJwk, "EdDSA")).rejects.toThrow();
    await expect(importJwsKey({ ...ecJwk, use: "enc" }, "ES256")).rejects.toThrow();
    await expect(importJwsKey({ ...ecJwk, alg: "ES384" }, "ES256")).rejects.toThrow();
    await expect(importJwsKey({ ...ecJwk, key_ops: ["encrypt"] }, "ES256")).rejects.toThrow();
    const small = rsaSmall.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
    await expect(importJwsKey(small, "RS256")).rejects.toThrow();
  });

  it("keeps only the public part of a private JWK given by mistake", async () => {
    const privateJwk = ec.privateKey.export({ format: "jwk" }) as Record<string, unknown>;
    const key = await importJwsKey(privateJwk, "ES256");
    expect(key.key.type).toBe("public");
    expect(key.key.usages).toEqual(["verify"]);
  });
});

describe("key resolver failures", () => {
  it("lets a resolver's throw escape (so the kit answers 503) instead of returning null", async () => {
    const token = await mint("ES256", { sub: "u" });
    await expect(
      verifyJws(
        token,
        async () => {
          throw new Error("key set unavailable");
        },
        { algorithms: ["ES256"] },
      ),
    ).rejects.toThrow("key set unavailable");
  });

  it("never asks the resolver for a token whose header is refused", async () => {
    let asked = 0;
    const resolver = async () => {
      asked++;
      return [];
    };
    await verifyJws(forge({ alg: "none" }, { sub: "u" }, "none"), resolver, {
      algorithms: ["ES256"],
    });
    await verifyJws("a.b.c", resolver, { algorithms: ["ES256"] });
    expect(asked).toBe(0);
  });
});
