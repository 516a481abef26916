/**
 * Validates the claims of a session into the fields the kit reads. Hand-written rather than a zod
 * schema on purpose: the Edge middleware bundle has a budget of about 20 KB over Next's own floor,
 * and `zod/mini` alone takes 15 KB of it for these eight fields. tests/unit/claims.test.ts
 * proves it accepts and rejects exactly what the equivalent zod schema does.
 */

/** The claims the kit reads, validated: every other claim is ignored. */
export interface ParsedClaims<Role extends string, Plan extends string> {
  readonly sub?: string;
  readonly id?: string;
  readonly email?: string | null;
  readonly name?: string | null;
  readonly role?: Role;
  readonly roles?: readonly Role[];
  readonly tenant?: string;
  readonly plan?: Plan;
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Builds the parser for one declaration's roles and plans; null for claims that do not fit (a
 * field of the wrong type, an undeclared role or plan, an empty id or tenant).
 *
 * @example
 * const parse = claimsParser(["member", "admin"], ["free", "pro"]);
 * parse({ sub: "user-1", role: "admin", plan: "pro" }); // { sub: "user-1", role: "admin", plan: "pro" }
 * parse({ sub: "user-1", role: "root" }); // null
 */
export function claimsParser<Role extends string, Plan extends string>(
  roles: readonly Role[],
  plans: readonly Plan[],
): (claims: unknown) => ParsedClaims<Role, Plan> | null {
  const roleSet = new Set<string>(roles);
  const planSet = new Set<string>(plans);
  const isRole = (v: unknown): v is Role => typeof v === "string" && roleSet.has(v);
  const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.length > 0;
  const text = (v: unknown): v is string | null => v === null || typeof v === "string";

  return (claims) => {
    if (!isObject(claims)) return null;
    const { sub, id, email, name, role, roles: list, tenant, plan } = claims;
    // `undefined` is an absent claim, as JSON cannot say otherwise; anything else must fit.
    if (sub !== undefined && !nonEmpty(sub)) return null;
    if (id !== undefined && !nonEmpty(id)) return null;
    if (email !== undefined && !text(email)) return null;
    if (name !== undefined && !text(name)) return null;
    if (role !== undefined && !isRole(role)) return null;
    if (list !== undefined && !(Array.isArray(list) && list.every(isRole))) return null;
    if (tenant !== undefined && !nonEmpty(tenant)) return null;
    if (plan !== undefined && !(typeof plan === "string" && planSet.has(plan))) return null;
    return {
      ...(sub !== undefined ? { sub } : {}),
      ...(id !== undefined ? { id } : {}),
      ...(email !== undefined ? { email } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(role !== undefined ? { role } : {}),
      ...(list !== undefined ? { roles: [...(list as Role[])] } : {}),
      ...(tenant !== undefined ? { tenant } : {}),
      ...(plan !== undefined ? { plan: plan as Plan } : {}),
    };
  };
}
