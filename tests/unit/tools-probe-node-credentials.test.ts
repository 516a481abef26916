/**
 * The probe's judgement of programs' credentials (lib/authz/tools/probe-node.mjs): what it expects
 * for a bearer token or an API key on a route (`expectedForCredential`) must be what the kit
 * answers. The oracle is the kit itself: real route handlers made by `createAuthz` with a bearer
 * source on a JWKS served over HTTP (keys generated here, tokens signed by jose), an API key source
 * on the memory store, and Auth.js cookies; each policy × kind answer is read back through the
 * probe's `matchesCredential`. Also: the hook's contract (`programCredentials`), and
 * `acceptedKinds`, the one rule the report, the probe and docs/access.md share.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiKeySource,
  authJsSession,
  bearerTokenSource,
  createApiKey,
  createAuthz,
  defineAccess,
  memoryApiKeyStore,
  type Authz,
  type Policy,
} from "@/lib/authz";
import { requestFor, routeContext } from "@/lib/authz/testing";
// @ts-expect-error a plain .mjs tool, run by Node without a build step
import { acceptedKinds } from "@/lib/authz/tools/entries-node.mjs";
import {
  challengeKind,
  expectedForCredential,
  matchesCredential,
  programCredentials,
  PROGRAM_KINDS,
  // @ts-expect-error a plain .mjs tool, run by Node without a build step
} from "@/lib/authz/tools/probe-node.mjs";
import { accessClaims, startTestIssuer, type TestIssuer } from "../support/oidc-issuer";

const AUDIENCE = "https://api.probe.test";
const SECRET = "probe-credentials-secret-0123456789abcdef0123";
type Kind = "bearer" | "api_key";
interface Answer {
  status: number;
  code: string | null;
  challenge: string | null;
}
const expected = expectedForCredential as (entry: object, kind: Kind) => string;
const judge = matchesCredential as (expected: string, answer: Answer) => boolean;
const kindsOf = acceptedKinds as (entry: object) => string[] | null;

const access = defineAccess({
  roles: { member: { permissions: ["notes:read"] }, admin: { inherits: ["member"] } },
});
const policies = {
  sessions: access.policy({ name: "sessions" }),
  tokens: access.policy({ name: "tokens", accepts: ["bearer"] }),
  keys: access.policy({ name: "keys", accepts: ["api_key"], scopes: ["notes:read"] }),
  sessionsAndTokens: access.policy({ name: "sessions-tokens", accepts: ["session", "bearer"] }),
  all: access.policy({
    name: "all",
    accepts: ["session", "bearer", "api_key"],
    scopes: ["notes:read"],
  }),
  adminTokens: access.policy({ name: "admin-tokens", role: "admin", accepts: ["bearer"] }),
  // Needs no signed-in caller: a credential it does not take leaves the caller anonymous.
  open: access.policy({ name: "open", signedIn: false }),
};
type Name = keyof typeof policies;

const users: Record<string, { sub: string; role: string }> = {
  "user-alice": { sub: "user-alice", role: "admin" },
  "user-bob": { sub: "user-bob", role: "member" },
};

let issuer: TestIssuer;
let authz: Authz;
let apiKey = "";

beforeAll(async () => {
  issuer = await startTestIssuer(["ES256"]);
  const store = memoryApiKeyStore();
  ({ key: apiKey } = await createApiKey(store, {
    name: "bob's key",
    owner: { type: "user", id: "user-bob" },
    permissions: ["notes:read"],
  }));
  authz = createAuthz({
    session: [
      bearerTokenSource({
        issuer: issuer.issuer,
        audience: AUDIENCE,
        jwks: issuer.jwksUrl,
        users: (id) => users[id] ?? null,
      }),
      apiKeySource({ store, users: (id) => users[id] ?? null }),
      authJsSession({ secret: () => SECRET }),
    ],
  });
});
afterAll(async () => {
  await issuer?.stop();
});

async function credential(kind: Kind): Promise<Record<string, string>> {
  if (kind === "api_key") return { "x-api-key": apiKey };
  const token = await issuer.sign(
    accessClaims(issuer, AUDIENCE, { sub: "user-bob", scope: "notes:read" }),
  );
  return { authorization: `Bearer ${token}` };
}

/** The kit's own answer for a route guarded by `name`, called with a credential of `kind`. */
async function kitAnswer(name: Name, kind: Kind): Promise<Answer> {
  const policy: Policy<typeof access.declaration> = policies[name];
  const handler = authz.withAuthorization(policy, async () => Response.json({ ok: true }));
  const response = await handler(
    requestFor("/api/x", { headers: { ...(await credential(kind)), accept: "application/json" } }),
    routeContext(),
  );
  const text = await response.text();
  const code = response.headers.get("content-type")?.includes("json")
    ? ((JSON.parse(text) as { code?: string }).code ?? null)
    : null;
  return { status: response.status, code, challenge: response.headers.get("www-authenticate") };
}

const route = (name: Name, middleware: Name[] = []) => ({
  kind: "route",
  method: "GET",
  policy: policies[name].name,
  policyValue: policies[name],
  middlewareRules: middleware.map((m) => ({ policyValue: policies[m] })),
});

describe("expectedForCredential agrees with the kit's own answers", () => {
  const cases = (Object.keys(policies) as Name[]).flatMap((name) =>
    (PROGRAM_KINDS as Kind[]).map((kind) => [name, kind] as const),
  );
  it.each(cases)("policy %s, credential %s", async (name, kind) => {
    const want = expected(route(name), kind);
    const answer = await kitAnswer(name, kind);
    expect(judge(want, answer), `${want} vs ${JSON.stringify(answer)}`).toBe(true);
    // The judgement discriminates: the other expectation never fits the same answer.
    const other = want === "accepted" ? "not accepted (session)" : "accepted";
    expect(judge(other, answer)).toBe(false);
  });

  it("the expectations themselves: taken where listed, refused with a kind the policy takes", () => {
    expect(expected(route("all"), "api_key")).toBe("accepted");
    expect(expected(route("sessionsAndTokens"), "api_key")).toBe("not accepted (session, bearer)");
    expect(expected(route("keys"), "bearer")).toBe("not accepted (api_key)");
    // A policy with no subject to refuse: the credential is ignored, whatever the kind.
    expect(expected(route("open"), "bearer")).toBe("accepted");
  });

  it("layers: a middleware rule that takes sessions only refuses the token first", () => {
    expect(expected(route("sessionsAndTokens", ["sessions"]), "bearer")).toBe(
      "not accepted (session)",
    );
    expect(expected(route("sessionsAndTokens", ["sessionsAndTokens"]), "bearer")).toBe("accepted");
  });

  it("a refusal must carry credential_not_accepted and the challenge of a kind taken", () => {
    const want = "not accepted (session, bearer)";
    const refusal = { status: 401, code: "credential_not_accepted" };
    expect(judge(want, { ...refusal, challenge: 'Bearer realm="api"' })).toBe(true);
    expect(judge(want, { ...refusal, challenge: 'Cookie realm="app"' })).toBe(true);
    expect(judge(want, { ...refusal, challenge: 'ApiKey header="X-API-Key"' })).toBe(false);
    expect(judge(want, { ...refusal, challenge: null })).toBe(false);
    expect(judge(want, { status: 401, code: "invalid_api_key", challenge: "Bearer" })).toBe(false);
    expect(judge("accepted", { status: 401, code: "invalid_token", challenge: "Bearer" })).toBe(
      false,
    );
    expect(judge("accepted", { status: 503, code: null, challenge: null })).toBe(false);
    expect(judge("accepted", { status: 403, code: "insufficient_scope", challenge: null })).toBe(
      true,
    );
  });

  it("challengeKind reads the scheme case-insensitively", () => {
    const kind = challengeKind as (h: string | null) => string | null;
    expect(kind('bearer error="invalid_token"')).toBe("bearer");
    expect(kind("APIKEY header=X-API-Key")).toBe("api_key");
    expect(kind('Cookie realm="app"')).toBe("session");
    expect(kind(null)).toBeNull();
  });
});

describe("acceptedKinds: one rule for the report, the probe and docs/access.md", () => {
  it("routes take the policy's kinds; pages, layouts and actions sessions only", () => {
    const of = (kind: string, name: Name) =>
      kindsOf({ kind, policy: policies[name].name, policyValue: policies[name] });
    expect(of("route", "all")).toEqual(["session", "bearer", "api_key"]);
    expect(of("route", "sessions")).toEqual(["session"]);
    for (const kind of ["page", "layout", "action"]) {
      expect(of(kind, "all")).toEqual(["session"]);
      expect(of(kind, "tokens")).toEqual([]);
    }
  });

  it("the loaded policy wins over the source's types; neither known is null; no policy is null", () => {
    expect(kindsOf({ kind: "route", policy: "p", accepts: ["bearer"] })).toEqual(["bearer"]);
    expect(
      kindsOf({ kind: "route", policy: "all", accepts: ["bearer"], policyValue: policies.all }),
    ).toEqual(["session", "bearer", "api_key"]);
    expect(kindsOf({ kind: "route", policy: "p" })).toBeNull();
    expect(kindsOf({ kind: "route", public: "health" })).toBeNull();
  });
});

describe("programCredentials: the app's hook, asked user by user", () => {
  const probeUsers = ["Alice", "Bob"].map((label) => ({
    label,
    claims: { sub: `user-${label.toLowerCase()}` },
    user: { id: `user-${label.toLowerCase()}` },
  }));
  const collect = programCredentials as (
    hook: { mint: (r: { kind: Kind; claims: { sub: string } }) => unknown },
    users: typeof probeUsers,
    scopes: string[],
    spec: string,
  ) => Promise<{ label: string; kind: Kind; headers: Record<string, string> }[]>;

  it("the first user with a credential of each kind; a kind nobody has is left out", async () => {
    const asked: string[] = [];
    const found = await collect(
      {
        mint: ({ kind, claims }) => {
          asked.push(`${kind}:${claims.sub}`);
          return kind === "bearer" && claims.sub === "user-bob"
            ? { authorization: "Bearer t" }
            : null;
        },
      },
      probeUsers,
      ["notes:read"],
      "lib/x.ts#hook",
    );
    expect(found.map((f) => f.label)).toEqual(["bearer (Bob)"]);
    expect(asked).toEqual([
      "bearer:user-alice",
      "bearer:user-bob",
      "api_key:user-alice",
      "api_key:user-bob",
    ]);
  });

  it("a hook that throws or returns no headers stops the probe (CannotRun)", async () => {
    await expect(
      collect({ mint: () => Promise.reject(new Error("no issuer")) }, probeUsers, [], "h"),
    ).rejects.toThrow(/no bearer credential for Alice from h: no issuer/);
    await expect(collect({ mint: () => ({}) }, probeUsers, [], "h")).rejects.toThrow(
      /expected request headers/,
    );
    await expect(collect({ mint: () => "Bearer t" }, probeUsers, [], "h")).rejects.toThrow(
      /expected request headers/,
    );
  });
});
