/**
 * The kit validates session claims by hand (the Edge bundle cannot afford zod); this proves the
 * parser accepts and rejects exactly what the equivalent zod schema does, on a generated corpus.
 */
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { claimsParser } from "@/lib/authz/decide/claims";

const roles = ["member", "admin"] as const;
const plans = ["free", "pro"] as const;

const text = z.string().nullable().optional();
const oracle = z.object({
  sub: z.string().min(1).optional(),
  id: z.string().min(1).optional(),
  email: text,
  name: text,
  role: z.enum(roles).optional(),
  roles: z.array(z.enum(roles)).optional(),
  tenant: z.string().min(1).optional(),
  plan: z.enum(plans).optional(),
});

const fields = ["sub", "id", "email", "name", "role", "roles", "tenant", "plan"] as const;
const pool: readonly unknown[] = [
  undefined,
  null,
  "",
  "x",
  "user-1",
  "admin",
  "member",
  "root",
  "pro",
  "free",
  "Admin",
  0,
  1,
  true,
  [],
  ["admin"],
  ["member", "admin"],
  ["admin", "root"],
  [1],
  {},
  { role: "admin" },
];
const valid: Readonly<Record<(typeof fields)[number], readonly unknown[]>> = {
  sub: ["user-1", "x"],
  id: ["user-1"],
  email: ["a@example.com", null],
  name: ["Alice", null, ""],
  role: ["member", "admin"],
  roles: [[], ["admin"], ["member", "admin"]],
  tenant: ["acme"],
  plan: ["free", "pro"],
};

// A small deterministic generator (mulberry32), so a failure names a case that can be replayed.
function random(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(count: number): unknown[] {
  const next = random(20261125);
  const cases: unknown[] = [
    null,
    undefined,
    [],
    "claims",
    42,
    true,
    {},
    { extra: "ignored", sub: "u" },
  ];
  for (let i = 0; i < count; i++) {
    const claims: Record<string, unknown> = {};
    for (const field of fields) {
      // Most fields absent or valid-looking, so accepted claims are common enough to compare.
      if (next() < 0.45) continue;
      const from = next() < 0.6 ? valid[field] : pool;
      claims[field] = from[Math.floor(next() * from.length)];
    }
    if (next() < 0.2) claims.exp = Math.floor(next() * 2e9);
    cases.push(claims);
  }
  return cases;
}

describe("claimsParser agrees with the zod schema", () => {
  const parse = claimsParser(roles, plans);
  const cases = corpus(5000);

  it("on every generated case: same accept/reject, same validated fields", () => {
    let accepted = 0;
    for (const claims of cases) {
      const ours = parse(claims);
      const reference = oracle.safeParse(claims);
      expect({ claims, accepted: ours !== null }).toEqual({ claims, accepted: reference.success });
      if (ours !== null && reference.success) {
        accepted++;
        expect(ours).toEqual(reference.data);
      }
    }
    // The corpus must exercise both outcomes, or the comparison proves little.
    expect(accepted).toBeGreaterThan(200);
    expect(cases.length - accepted).toBeGreaterThan(200);
  });

  it("ignores claims it does not read and copies arrays it returns", () => {
    const list = ["admin"];
    const parsed = parse({ sub: "u", roles: list, iat: 1, picture: "x" });
    expect(parsed).toStrictEqual({ sub: "u", roles: ["admin"] });
    list.push("member");
    expect(parsed?.roles).toEqual(["admin"]);
  });

  it("accepts no plan at all when the declaration has none", () => {
    const noPlans = claimsParser(roles, []);
    // Strict: a claim that is absent is no key at all in what it returns, never one holding undefined.
    expect(noPlans({ sub: "u" })).toStrictEqual({ sub: "u" });
    expect(noPlans({ id: "u-1" })).toStrictEqual({ id: "u-1" });
    expect(noPlans({ sub: "u", plan: "pro" })).toBeNull();
  });
});
