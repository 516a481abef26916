/**
 * How the kit composes credential sources (session/compose.ts) and decides on them (authz.ts):
 * header credentials before cookies, the first decision wins and never falls back, "unknown" lets
 * middleware pass and makes handlers, pages and actions refuse, a source that cannot run where
 * the checker runs is refused at start-up, and a key set that cannot be had is a 503 with
 * Retry-After, then recovers. Real parts: Auth.js cookies from `encode`, bearer tokens from a
 * JWKS over HTTP, API keys in the memory store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import {
  apiKeyPresence,
  apiKeySource,
  authJsSession,
  authorizationMiddleware,
  bearerTokenSource,
  createApiKey,
  createAuthz,
  createChecker,
  defineAccess,
  memoryApiKeyStore,
  type CredentialSource,
} from "@/lib/authz";
import { createDecisionLog, type DecisionEvent } from "@/lib/authz/decision-log";
import { credentialSources, readCredential } from "@/lib/authz/session/compose";
import { clearJwksCaches } from "@/lib/authz/session/jwks";
import { sessionCookie } from "@/lib/authz/testing";
import { expectConfigError } from "../support/config-error";
import { DEMO_CLAIMS } from "../support/demo-sessions";
import { accessClaims, startTestIssuer, type TestIssuer } from "../support/oidc-issuer";

const SECRET = "session-compose-test-secret-0123456789abcdef";
const AUDIENCE = "https://api.example.test";

const access = defineAccess({
  roles: { member: { permissions: ["reports:export"] }, admin: { inherits: ["member"] } },
  plans: { free: { features: [] }, pro: { features: ["export"] } },
});
const policies = {
  sessionOnly: access.policy({ name: "session-only" }),
  api: access.policy({ name: "api", accepts: ["session", "bearer", "api_key"] }),
  bearerFirst: access.policy({ name: "bearer-first", accepts: ["bearer", "session"] }),
  open: access.policy({ name: "open", signedIn: false }),
};

const users = (id: string) => {
  const who = Object.values(DEMO_CLAIMS).find((c) => c.sub === id);
  return who ? { ...who } : null;
};

let issuer: TestIssuer;
let aliceCookie: string;
let carolKey: string;
const keyStore = memoryApiKeyStore();
beforeAll(async () => {
  issuer = await startTestIssuer(["ES256"]);
  aliceCookie = await sessionCookie(DEMO_CLAIMS.alice, { secret: SECRET });
  ({ key: carolKey } = await createApiKey(keyStore, {
    name: "test",
    owner: { type: "user", id: "user-carol" },
    permissions: [],
  }));
});
afterAll(async () => {
  await issuer.stop();
  clearJwksCaches();
});

const cookieSource = () => authJsSession({ secret: SECRET });
const bearerSource = (extra: Partial<Parameters<typeof bearerTokenSource>[0]> = {}) =>
  bearerTokenSource({
    issuer: issuer.issuer,
    audience: AUDIENCE,
    jwks: issuer.jwksUrl,
    users,
    ...extra,
  });
const keySource = () => apiKeySource({ store: keyStore, users });

const request = (headers: Record<string, string> = {}, path = "/api/x") =>
  new NextRequest(new URL(path, "http://localhost:3000"), {
    headers: { "x-forwarded-host": "localhost:3000", "x-forwarded-proto": "http", ...headers },
  });
const token = (overrides: Record<string, unknown> = {}) =>
  issuer.sign(accessClaims(issuer, AUDIENCE, overrides));

describe("credentialSources: the order sources are asked in", () => {
  it("puts header credentials before cookies, keeping the given order otherwise", () => {
    const cookie = cookieSource();
    const bearer = bearerSource();
    const keys = keySource();
    const sources = credentialSources([cookie, keys, bearer]);
    expect(sources.map((s) => s.kind)).toEqual(["api_key", "bearer", "session"]);
    expect(credentialSources(cookie)).toHaveLength(1);
    expect(credentialSources(cookie)[0]).toMatchObject({ kind: "session", runtime: "edge" });
  });

  it("refuses an empty list and things that are not sources", () => {
    expectConfigError(() => credentialSources([]), "invalid_authz_options");
    expectConfigError(() => credentialSources([42 as never]), "invalid_authz_options");
    const odd = { ...bearerSource(), kind: "magic" } as unknown as CredentialSource;
    expectConfigError(() => credentialSources([odd]), "invalid_authz_options");
  });

  it("an unknown header credential is never decided by the cookie after it", async () => {
    const sources = credentialSources([cookieSource(), apiKeyPresence()]);
    const reading = await readCredential(
      sources,
      request({ "x-api-key": carolKey, cookie: aliceCookie }),
    );
    expect(reading.status).toBe("unknown");
    const plain = await readCredential(sources, request({ cookie: aliceCookie }));
    expect(plain).toMatchObject({ status: "decided", source: { kind: "session" } });
  });
});

describe("where a source can run", () => {
  const nodeSource: CredentialSource = {
    ...keySource(),
    name: "db-sessions",
    kind: "session",
    runtime: "node",
  };
  const scoped: CredentialSource = { ...nodeSource, name: "auth()", runtime: "request-scope" };

  it("Edge middleware (createChecker) refuses node and request-scope sources", () => {
    const error = expectConfigError(
      () => createChecker({ session: [nodeSource] }),
      "invalid_authz_options",
    );
    expect(error.message).toContain('"db-sessions"');
    expectConfigError(() => createChecker({ session: [scoped] }), "invalid_authz_options");
  });

  it("proxy.ts (runtime nodejs) takes node sources, not request-scope ones", () => {
    expect(() => createChecker({ session: [nodeSource], runtime: "nodejs" })).not.toThrow();
    expectConfigError(
      () => createChecker({ session: [scoped], runtime: "nodejs" }),
      "invalid_authz_options",
    );
  });

  it("server code (createAuthz) takes every kind; the authoritative source must be a session", () => {
    expect(() =>
      createAuthz({ session: [nodeSource, scoped], authoritativeSession: nodeSource }),
    ).not.toThrow();
    expectConfigError(
      () => createAuthz({ session: cookieSource(), authoritativeSession: bearerSource() }),
      "invalid_authz_options",
    );
  });

  it("an authoritative policy without an authoritative source is refused, never passed", async () => {
    const authz = createAuthz({ session: cookieSource(), onError: () => undefined });
    const strict = access.policy({ name: "strict", authoritative: true });
    const decision = await authz.check(strict, request({ cookie: aliceCookie }));
    expect(decision).toMatchObject({ allowed: false, status: 500 });
  });
});

describe("deciding on the reading", () => {
  const authz = () =>
    createAuthz({ session: [cookieSource(), bearerSource(), keySource()], onError: () => {} });

  it("the first kind in accepts gives a bare 401 its challenge", async () => {
    const kit = authz();
    const cookieFirst = await kit.check(policies.api, request());
    const bearerFirst = await kit.check(policies.bearerFirst, request());
    expect(cookieFirst).toMatchObject({ allowed: false, code: "unauthenticated" });
    expect(kit.denialResponse(cookieFirst as never).headers.get("www-authenticate")).toMatch(
      /^Cookie realm=/,
    );
    expect(kit.denialResponse(bearerFirst as never).headers.get("www-authenticate")).toBe("Bearer");
  });

  it("the subject says which credential decided, and its scopes", async () => {
    const kit = authz();
    const viaToken = await kit.check(
      policies.api,
      request({ authorization: `Bearer ${await token({ scope: "a b" })}`, cookie: aliceCookie }),
    );
    expect(viaToken).toMatchObject({
      allowed: true,
      subject: { id: "user-alice", kind: "user", credential: "bearer", scopes: ["a", "b"] },
    });
    const viaKey = await kit.check(policies.api, request({ "x-api-key": carolKey }));
    expect(viaKey).toMatchObject({ subject: { id: "user-carol", credential: "api_key" } });
    const viaCookie = await kit.check(policies.api, request({ cookie: aliceCookie }));
    expect(viaCookie).toMatchObject({ subject: { credential: "session", scopes: [] } });
  });

  it("a public policy leaves a caller whose credential it does not take anonymous", async () => {
    const kit = authz();
    const decision = await kit.check(policies.open, request({ "x-api-key": carolKey }));
    expect(decision).toMatchObject({ allowed: true, subject: null });
    const invalid = await kit.check(policies.open, request({ authorization: "Bearer x.y.z" }));
    expect(invalid).toMatchObject({ allowed: true, subject: null });
  });

  it("pages take cookie sessions only; an action says to call a route handler", async () => {
    const kit = authz();
    const headers = { authorization: `Bearer ${await token()}` };
    expect(await kit.check(policies.api, request(headers), { layer: "page" })).toMatchObject({
      allowed: false,
      code: "credential_not_accepted",
      details: { accepted: ["session"] },
    });
    const action = await kit.check(policies.api, request(headers), { layer: "action" });
    expect(action).toMatchObject({ code: "credential_not_accepted" });
    expect(action.allowed === false && action.message).toMatch(/route handler/);
  });

  it("unknown: middleware lets the request through, a handler refuses", async () => {
    const kit = createAuthz({ session: [apiKeyPresence(), cookieSource()] });
    const withKey = request({ "x-api-key": carolKey, cookie: aliceCookie }, "/api/admin/x");
    expect(await kit.check(policies.sessionOnly, withKey, { layer: "middleware" })).toMatchObject({
      allowed: true,
    });
    expect(await kit.check(policies.sessionOnly, withKey)).toMatchObject({
      allowed: false,
      status: 401,
    });
    const middleware = authorizationMiddleware(
      createChecker({ session: [apiKeyPresence(), cookieSource()] }),
      {
        rules: [{ path: "/api/admin/**", policy: policies.sessionOnly, kind: "api" }],
        signInPath: "/signin",
      },
    );
    expect(await middleware(withKey)).toBeUndefined();
    expect((await middleware(request({}, "/api/admin/x")))?.status).toBe(401);
  });
});

describe("the decision log", () => {
  it("records the credential's kind and its client id or key prefix, never the token or key", async () => {
    const events: DecisionEvent[] = [];
    const decisionLog = createDecisionLog({ onDecision: (e) => events.push(e), onError: () => {} });
    const kit = createAuthz({
      session: [cookieSource(), bearerSource(), keySource()],
      decisionLog,
    });
    const value = await token({ client_id: "mobile-app" });
    await kit.check(policies.api, request({ authorization: `Bearer ${value}` }));
    await kit.check(policies.api, request({ "x-api-key": carolKey }));
    await kit.check(policies.api, request({ cookie: aliceCookie }));
    await kit.check(policies.sessionOnly, request({ "x-api-key": carolKey }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.map((e) => [e.outcome, e.subject, e.credential, e.client])).toEqual([
      ["allow", "user-alice", "bearer", "mobile-app"],
      ["allow", "user-carol", "api_key", carolKey.slice(0, 7)],
      ["allow", "user-alice", "session", undefined],
      ["deny", null, undefined, undefined],
    ]);
    const text = JSON.stringify(events);
    expect(text).not.toContain(value);
    expect(text).not.toContain(carolKey);
  });
});

describe("a key set that cannot be had", () => {
  it("is a 503 with Retry-After, never a pass; then the kit recovers", async () => {
    clearJwksCaches();
    let clock = Date.now();
    const jwksOptions = { now: () => clock, staleSec: 0, ttlSec: 60, cooldownSec: 30 };
    const kit = createAuthz({
      session: [cookieSource(), bearerSource({ jwksOptions, now: () => clock })],
      onError: () => undefined,
    });
    await issuer.stop();
    const headers = { authorization: `Bearer ${await token()}`, cookie: aliceCookie };
    const down = await kit.check(policies.api, request(headers));
    expect(down).toMatchObject({ allowed: false, status: 503, code: "authorization_unavailable" });
    expect(kit.denialResponse(down as never).headers.get("retry-after")).toMatch(/^\d+$/);

    await issuer.start();
    clock += 31_000; // past the cooldown that follows a failed fetch
    const fresh = await issuer.sign(accessClaims(issuer, AUDIENCE, {}, Math.floor(clock / 1000)));
    const up = await kit.check(policies.api, request({ authorization: `Bearer ${fresh}` }));
    expect(up).toMatchObject({ allowed: true, subject: { id: "user-alice" } });
  });
});
