/**
 * A policy's credential rules (credential-policy.ts): checked once at definition, then the pure
 * scope and fresh sign-in checks with their standard answers.
 */
import { describe, expect, it } from "vitest";
import { defineAccess } from "@/lib/authz";
import { checkFresh, checkScopes } from "@/lib/authz/decide/credential-policy";
import type { Authenticated } from "@/lib/authz/session/credential";
import { expectConfigError } from "../support/config-error";

const access = defineAccess({ roles: { member: {} } });
const bearer = (params: Readonly<Record<string, string>>) =>
  `Bearer ${Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")}`;
const auth = (overrides: Partial<Authenticated> = {}): Authenticated => ({
  claims: { sub: "u" },
  kind: "user",
  credential: "bearer",
  source: "test",
  ...overrides,
});
const NOW = 1_900_000_000;

describe("compileCredentialRules, through access.policy", () => {
  it("defaults to sessions only", () => {
    expect(access.policy({ name: "p" }).credentials).toMatchObject({
      accepts: ["session"],
      scopes: [],
      freshMaxAge: undefined,
      authoritative: false,
    });
  });

  it.each([
    ["an empty accepts", { accepts: [] }],
    ["an unknown kind", { accepts: ["cookie"] }],
    ["a kind twice", { accepts: ["session", "session"] }],
    ["an empty scopes list", { accepts: ["bearer"], scopes: [] }],
    ["a scope with a space", { accepts: ["bearer"], scopes: ["a b"] }],
    ["scopes on a sessions-only policy", { scopes: ["a"] }],
    ["a bad fresh duration", { fresh: "10 minutes" }],
    ["fresh in milliseconds", { fresh: 1500 }],
    ["fresh with API keys", { accepts: ["session", "api_key"], fresh: "10m" }],
    ["a bad acr value", { fresh: { maxAge: "5m", acr: 'a"b' } }],
    ["scopes on a public policy", { signedIn: false, accepts: ["bearer"], scopes: ["a"] }],
    ["fresh on a public policy", { signedIn: false, fresh: "5m" }],
  ])("refuses %s with invalid_policy", (_name, rules) => {
    expectConfigError(() => access.policy({ name: "p", ...(rules as object) }), "invalid_policy");
  });

  it("parses fresh as seconds, with acr and amr", () => {
    const policy = access.policy({
      name: "p",
      fresh: { maxAge: "10m", acr: ["mfa", "hwk"], amr: ["otp"] },
    });
    expect(policy.credentials).toMatchObject({
      freshMaxAge: 600,
      freshAcr: ["mfa", "hwk"],
      freshAmr: ["otp"],
    });
  });
});

describe("checkScopes", () => {
  const rules = access.policy({
    name: "p",
    accepts: ["session", "bearer", "api_key"],
    scopes: ["a", "b"],
  }).credentials;

  it("needs every scope of a program's credential; cookie sessions are not scoped", () => {
    expect(checkScopes(rules, auth({ scopes: ["b", "a", "c"] }), bearer)).toBeNull();
    expect(checkScopes(rules, auth({ credential: "session" }), bearer)).toBeNull();
    const refused = checkScopes(rules, auth({ scopes: ["a"] }), bearer);
    expect(refused).toMatchObject({
      status: 403,
      code: "insufficient_scope",
      details: { scope: "a b" },
      headers: { "WWW-Authenticate": "Bearer error=insufficient_scope, scope=a b" },
    });
    // An API key's missing permission: no challenge, re-authenticating cannot fix it.
    expect(checkScopes(rules, auth({ credential: "api_key" }), bearer)?.headers).toEqual({});
  });
});

describe("checkFresh", () => {
  const rules = access.policy({
    name: "p",
    accepts: ["session", "bearer"],
    fresh: "10m",
  }).credentials;

  it("passes a sign-in within max_age, at the boundary included", () => {
    expect(checkFresh(rules, auth({ authTime: NOW - 600 }), NOW, "Cookie", bearer)).toBeNull();
    expect(checkFresh(rules, auth({ authTime: NOW }), NOW, "Cookie", bearer)).toBeNull();
  });

  it("refuses an older, an absent or a far-future sign-in, each kind with its answer", () => {
    for (const authTime of [NOW - 601, undefined, NOW + 3600]) {
      const refusal = checkFresh(rules, auth(authTime ? { authTime } : {}), NOW, "Cookie", bearer);
      expect(refusal).toMatchObject({ status: 401, code: "insufficient_user_authentication" });
      expect(refusal?.headers["WWW-Authenticate"]).toContain("max_age=600");
    }
    const session = checkFresh(rules, auth({ credential: "session" }), NOW, "Cookie x", bearer);
    expect(session).toMatchObject({
      status: 401,
      code: "reauthentication_required",
      details: { max_age: 600 },
      headers: { "WWW-Authenticate": "Cookie x" },
    });
  });

  it("with acr and amr: the strength counts too, and acr_values is named", () => {
    const strong = access.policy({
      name: "p",
      fresh: { maxAge: "5m", acr: "mfa", amr: ["otp"] },
    }).credentials;
    const recent = { authTime: NOW - 10 };
    expect(
      checkFresh(strong, auth({ ...recent, acr: "mfa", amr: ["pwd", "otp"] }), NOW, "C", bearer),
    ).toBeNull();
    const weak = checkFresh(
      strong,
      auth({ ...recent, acr: "pwd", amr: ["otp"] }),
      NOW,
      "C",
      bearer,
    );
    expect(weak).toMatchObject({ details: { max_age: 300, acr_values: "mfa" } });
    expect(weak?.headers["WWW-Authenticate"]).toContain("acr_values=mfa");
    expect(
      checkFresh(strong, auth({ ...recent, acr: "mfa", amr: ["pwd"] }), NOW, "C", bearer),
    ).not.toBeNull();
  });
});
