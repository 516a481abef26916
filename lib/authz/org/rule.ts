/**
 * The org rule of a policy: "member of the org named by this route segment, with this org role or
 * this org permission". Checked once at definition, evaluated per request as a pure function of the
 * caller's memberships (from the store, never the cookie) and the segment's value.
 */
import { deny, notFound } from "../decide/decision";
import { membershipIn } from "./membership";
import type { OrgRoles } from "./roles";
import type { OrgRule, OrgRuleOptions } from "../types";

export type { OrgRule, OrgRuleOptions } from "../types";

const asList = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

const joinOr = (items: readonly string[]): string =>
  items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;

/**
 * Checks an org rule against the declaration's org roles and compiles it; `invalid` throws the
 * policy's definition error (an `AuthzConfigError` naming the policy).
 */
export function compileOrgRule<Role extends string, Permission extends string>(
  orgRoles: OrgRoles<Role, Permission>,
  options: OrgRuleOptions<Role, Permission>,
  invalid: (what: string) => never,
): OrgRule<Role> {
  if (orgRoles.names.length === 0) invalid("an org rule needs orgRoles in the access declaration");
  if (typeof options.segment !== "string" || !/^[A-Za-z_$][\w$]{0,63}$/.test(options.segment))
    invalid(`org.segment must name a route segment like "org", got "${String(options.segment)}"`);
  const roles = asList(options.role);
  const permissions = asList(options.permission);
  if (options.role !== undefined && roles.length === 0) invalid("org.role list is empty");
  if (options.permission !== undefined && permissions.length === 0)
    invalid("org.permission list is empty");
  for (const role of roles)
    if (!orgRoles.isRole(role)) invalid(`unknown org role "${String(role)}"`);
  for (const p of permissions)
    if (!orgRoles.isPermission(p)) invalid(`unknown org permission "${String(p)}"`);

  return {
    segment: options.segment,
    check(memberships, org) {
      const active = membershipIn(memberships, org);
      if (active === null) return notFound("org");
      if (roles.length > 0 && !roles.some((r) => orgRoles.satisfies(active.role, r))) {
        return deny("org_role_required", `Requires ${joinOr(roles)} role in this organization`, {
          rule: "orgRole",
          details: { required_org_role: joinOr(roles) },
        });
      }
      const missing = permissions.find((p) => !orgRoles.grants(active.role, p));
      if (missing !== undefined) {
        return deny(
          "org_permission_required",
          `Requires ${missing} permission in this organization`,
          { rule: "orgPermission", details: { required_org_permission: missing } },
        );
      }
      return active;
    },
  };
}
