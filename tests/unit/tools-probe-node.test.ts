/**
 * The probe's judgement (lib/authz/tools/probe-node.mjs): what the declared policies expect for a
 * caller, layer by layer (middleware rule first, then the entry's own policy), and which observed
 * answers match. The end-to-end proof is tests/integration/entry-points-fixture.test.ts; this pins
 * the rules it applies.
 */
import { describe, expect, it } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
// @ts-expect-error a plain .mjs tool, run by Node without a build step
import { samplePath } from "@/lib/authz/tools/entries-node.mjs";
// @ts-expect-error a plain .mjs tool, run by Node without a build step
import { expectedFor, matches } from "@/lib/authz/tools/probe-node.mjs";

const access = defineAccess({
  roles: { member: { permissions: ["docs:read"] }, admin: { inherits: ["member"] } },
  plans: { free: { features: [] }, pro: { features: ["export"] } },
});
const policies = {
  signedIn: access.policy({ name: "signed-in" }),
  admin: access.policy({ name: "admin", role: "admin" }),
  export: access.policy({ name: "export", feature: "export" }),
  ops: access.policy({ name: "ops", signedIn: false, ip: { allow: ["10.0.0.0/8"] } }),
};
const bob = { sub: "u-bob", role: "member", plan: "free" };
const alice = { sub: "u-alice", role: "admin", plan: "pro" };

type Expect = (entry: object, claims: object | null, ip?: string | null) => string;
const expected = expectedFor as Expect;
const entry = (policy: keyof typeof policies, middleware: (keyof typeof policies)[] = []) => ({
  kind: "route",
  policy: policies[policy].name,
  policyValue: policies[policy],
  middlewareRules: middleware.map((m) => ({ policyValue: policies[m] })),
});

describe("expectedFor: the declaration, evaluated by the kit's own policies", () => {
  it("claims decide: 401 anonymous, 403 without the role or plan, allowed otherwise", () => {
    expect(expected(entry("admin"), null)).toBe("401");
    expect(expected(entry("admin"), bob)).toBe("403");
    expect(expected(entry("admin"), alice)).toBe("allowed");
    expect(expected(entry("export"), bob)).toBe("403");
    expect(expected(entry("export"), alice)).toBe("allowed");
  });

  it("the middleware rule answers first: an admin rule over a signed-in route refuses bob", () => {
    expect(expected(entry("signedIn", ["admin"]), bob)).toBe("403");
    expect(expected(entry("signedIn", ["admin"]), null)).toBe("401");
  });

  it("IP rules: an address the server cannot know is refused; an allowed one passes", () => {
    expect(expected(entry("ops"), alice, null)).toBe("403");
    expect(expected(entry("ops"), null, "10.1.2.3")).toBe("allowed");
  });

  it("an entry without policy or reason must refuse anonymous callers; public ones promise nothing", () => {
    expect(expected({ kind: "page" }, null)).toBe("refused");
    expect(expected({ kind: "page" }, bob)).toBe("unknown");
    expect(expected({ kind: "page", public: " " }, null)).toBe("refused");
    expect(expected({ kind: "page", public: "landing page" }, null)).toBe("public");
  });
});

describe("matches: which observed answers fit", () => {
  it.each([
    ["401", "401", true],
    ["401", "signin", true],
    ["401", "200", false],
    ["403", "403", true],
    ["403", "404", false],
    ["allowed", "200", true],
    ["allowed", "404", true],
    ["allowed", "400", true],
    ["allowed", "ran", true],
    ["allowed", "403", false],
    ["allowed", "500", false],
    ["refused", "signin", true],
    ["refused", "404", true],
    ["refused", "200", false],
    ["refused", "ran", false],
    ["refused", "500", false],
    ["public", "403", true],
    ["public", "error TimeoutError", false],
  ])("expected %s, observed %s: %s", (want, observed, ok) => {
    expect((matches as (a: string, b: string) => boolean)(want, observed)).toBe(ok);
  });
});

describe("samplePath: a concrete URL no record has", () => {
  it.each([
    ["/api/documents/[id]", "/api/documents/authz-probe"],
    ["/api/auth/[...nextauth]", "/api/auth/authz-probe"],
    ["/docs/[[...slug]]", "/docs"],
    ["/", "/"],
  ])("%s → %s", (pattern, sample) => {
    expect((samplePath as (p: string) => string)(pattern)).toBe(sample);
  });
});
