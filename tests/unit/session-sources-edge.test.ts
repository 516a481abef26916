/**
 * The credential sources outside Node: each source file is bundled on its own (rolldown, browser
 * platform, minified, as a bundler would ship it to the Edge) and run in a fresh `node:vm` context
 * that holds only Web APIs (Web Crypto, fetch, Request/Headers, TextEncoder/Decoder, URL, atob/btoa,
 * timers): no `process`, `require`, `Buffer` or Node module. Every case then gets the same answer in
 * the sandbox as on Node. This stands in for Next's Edge runtime, which is not installed here
 * (`@edge-runtime/vm`, which vitest's `edge-runtime` environment needs, is not a dependency). The
 * bundles' gzipped sizes are each source's share of an Edge bundle; they are checked against a
 * budget, not quoted.
 */
import { generateKeyPairSync } from "node:crypto";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { SignJWT, exportJWK } from "jose";
import { sealData } from "iron-session";
import { signedCookie } from "../../lib/authz/session/signed-cookie";
import { sealedCookie } from "../../lib/authz/session/sealed-cookie";
import { clerkSession } from "../../lib/authz/session/clerk";
import { supabaseSession } from "../../lib/authz/session/supabase";
import type { CredentialSource } from "../../lib/authz/session/credential";
import { loadInEdgeSandbox } from "../support/edge-sandbox";

async function inEdge(file: string): Promise<{ kit: Record<string, unknown>; gzipBytes: number }> {
  const { exports, gzipBytes, context } = await loadInEdgeSandbox(file);
  for (const name of ["process", "require", "Buffer", "module", "__dirname"]) {
    expect(vm.runInContext(`typeof ${name}`, context)).toBe("undefined");
  }
  return { kit: exports, gzipBytes };
}

const NOW = Math.floor(Date.now() / 1000);
const request = (cookie: string) => new Request("https://app.example/", { headers: { cookie } });

async function sameAnswers(
  node: CredentialSource,
  edge: CredentialSource,
  cookies: readonly string[],
): Promise<string[]> {
  const answers: string[] = [];
  for (const cookie of cookies) {
    const [a, b] = [await node.read(request(cookie)), await edge.read(request(cookie))];
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    answers.push(a.status);
  }
  return answers;
}

// Each source alone, with what it pulls in (jws, jwks, token-source, cookies, errors).
const BUDGET_BYTES = 8 * 1024;

describe("credential sources in a Web-APIs-only sandbox", () => {
  it("signedCookie", async () => {
    const { kit, gzipBytes } = await inEdge("lib/authz/session/signed-cookie.ts");
    expect(gzipBytes).toBeLessThan(BUDGET_BYTES);
    const secret = "edge-secret-0123456789abcdef0123456789abcdef";
    const options = { secret, cache: false as const };
    const make = kit.signedCookie as typeof signedCookie;
    const token = await new SignJWT({ user: { id: 1 } })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(NOW + 600)
      .sign(new TextEncoder().encode(secret));
    const answers = await sameAnswers(signedCookie(options), make(options), [
      `session=${token}`,
      `session=${token.slice(0, -2)}xx`,
      "other=1",
    ]);
    expect(answers).toEqual(["ok", "invalid", "none"]);
  });

  it("sealedCookie", async () => {
    const { kit, gzipBytes } = await inEdge("lib/authz/session/sealed-cookie.ts");
    expect(gzipBytes).toBeLessThan(BUDGET_BYTES);
    const password = "edge_password_at_least_32_characters_long";
    const options = { cookieName: "app_session", password, cache: false as const };
    const make = kit.sealedCookie as typeof sealedCookie;
    const seal = await sealData({ userId: 5 }, { password, ttl: 600 });
    const answers = await sameAnswers(sealedCookie(options), make(options), [
      `app_session=${seal}`,
      `app_session=${seal.replace("*", "*9")}`,
      `app_session=${await sealData({ isLoggedIn: false }, { password })}`,
    ]);
    expect(answers).toEqual(["ok", "invalid", "none"]);
  });

  it("clerkSession", async () => {
    const { kit, gzipBytes } = await inEdge("lib/authz/session/clerk.ts");
    expect(gzipBytes).toBeLessThan(BUDGET_BYTES);
    const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwtKey = keys.publicKey.export({ format: "pem", type: "spki" }).toString();
    const options = { jwtKey, authorizedParties: ["https://app.example"], cache: false as const };
    const make = kit.clerkSession as typeof clerkSession;
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ sub: "user_1", azp: "https://app.example", v: 2, ...claims })
        .setProtectedHeader({ alg: "RS256", typ: "JWT" })
        .setIssuedAt(NOW)
        .setExpirationTime(NOW + 60)
        .sign(keys.privateKey);
    const answers = await sameAnswers(clerkSession(options), make(options), [
      `__session=${await sign({ o: { id: "org_1", rol: "admin" } })}`,
      `__session=${await sign({ azp: "https://other.example" })}`,
      `__session=${await sign({ sts: "pending" })}`,
    ]);
    expect(answers).toEqual(["ok", "invalid", "none"]);
  });

  it("supabaseSession, its JWKS fetched through the sandbox's fetch", async () => {
    const { kit, gzipBytes } = await inEdge("lib/authz/session/supabase.ts");
    expect(gzipBytes).toBeLessThan(BUDGET_BYTES);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = { ...(await exportJWK(ec.publicKey)), kid: "k1", alg: "ES256" };
    const keySet = async () => Response.json({ keys: [jwk] });
    const make = kit.supabaseSession as typeof supabaseSession;
    // Two projects, so the host's and the sandbox's caches are each filled by their own fetch.
    const node = supabaseSession({
      url: "https://edgeref.supabase.co",
      fetch: keySet,
      cache: false,
    });
    const edge = make({ url: "https://edgeref.supabase.co", fetch: keySet, cache: false });
    const token = await new SignJWT({ sub: "uuid-1", aud: "authenticated", role: "authenticated" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setExpirationTime(NOW + 600)
      .sign(ec.privateKey);
    const cookie = (t: string) =>
      `sb-edgeref-auth-token=base64-${Buffer.from(
        JSON.stringify({ access_token: t, refresh_token: "r", expires_at: NOW + 600 }),
      ).toString("base64url")}`;
    const answers = await sameAnswers(node, edge, [
      cookie(token),
      cookie(`${token.slice(0, -2)}xx`),
      "sb-edgeref-auth-token=base64-%%%",
    ]);
    expect(answers).toEqual(["ok", "invalid", "none"]);
  });
});
