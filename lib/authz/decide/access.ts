import { AuthzConfigError } from "../errors";
import { claimsParser } from "./claims";
import { compileOrgRoles, inheritanceClosures, type OrgRoleDeclaration } from "../org/roles";
import { compilePolicy } from "./policy";
import type {
  Access,
  AccessDeclaration,
  FeatureOf,
  OrgPermissionOf,
  OrgRoleOf,
  PermissionOf,
  PlanOf,
  RoleOf,
  Subject,
} from "../types";

/** Makes a declaration whose `inherits` names an undeclared role (or org role) fail to compile. */
type CheckedDeclaration<D extends AccessDeclaration> = D & {
  readonly roles: {
    readonly [K in keyof D["roles"]]: { readonly inherits?: readonly (keyof D["roles"])[] };
  };
} & (D["orgRoles"] extends Readonly<Record<string, OrgRoleDeclaration>>
    ? {
        readonly orgRoles: {
          readonly [K in keyof D["orgRoles"]]: {
            readonly inherits?: readonly (keyof D["orgRoles"])[];
          };
        };
      }
    : unknown);

/**
 * Declares the app's roles, permissions, plans and features once; the result types every policy.
 *
 * @example
 * export const access = defineAccess({
 *   roles: {
 *     member: { permissions: ["documents:read"] },
 *     admin: { inherits: ["member"], permissions: ["users:manage"] },
 *   },
 *   plans: { free: { features: [] }, pro: { features: ["export"], label: "pro" } },
 *   upgradeUrl: "/pricing",
 * });
 */
export function defineAccess<const D extends AccessDeclaration>(
  declaration: CheckedDeclaration<D>,
): Access<D> {
  type Role = RoleOf<D>;
  type Permission = PermissionOf<D>;
  type Feature = FeatureOf<D>;
  type Plan = PlanOf<D>;

  const roleNames = Object.keys(declaration.roles) as Role[];
  if (roleNames.length === 0)
    throw new AuthzConfigError(
      "invalid_access_declaration",
      "access declaration",
      "declare at least one role",
    );
  const closure = inheritanceClosures(declaration.roles, roleNames, "role", (what) => {
    throw new AuthzConfigError("invalid_access_declaration", "access declaration", what);
  });

  const permissionsOf = new Map<string, ReadonlySet<string>>();
  const allPermissions = new Set<string>();
  for (const role of roleNames) {
    const granted = new Set<string>();
    for (const r of closure.get(role) ?? []) {
      for (const p of declaration.roles[r]?.permissions ?? []) granted.add(p);
    }
    for (const p of granted) allPermissions.add(p);
    permissionsOf.set(role, granted);
  }

  const plans = declaration.plans ?? {};
  const planNames = Object.keys(plans) as Plan[];
  const featuresOf = new Map<string, ReadonlySet<string>>();
  const allFeatures = new Set<string>();
  for (const plan of planNames) {
    const features = new Set(plans[plan]?.features ?? []);
    for (const f of features) allFeatures.add(f);
    featuresOf.set(plan, features);
  }
  if (
    declaration.upgradeUrl !== undefined &&
    !declaration.upgradeUrl.startsWith("/") &&
    !/^https:\/\//.test(declaration.upgradeUrl)
  ) {
    throw new AuthzConfigError(
      "invalid_access_declaration",
      `access declaration`,
      `upgradeUrl must be a path or an https URL, got "${declaration.upgradeUrl}"`,
    );
  }

  // Built once here, not per request.
  const parseClaims = claimsParser<Role, Plan>(roleNames, planNames);

  const expanded = (subject: Subject<D>): Set<string> => {
    const all = new Set<string>();
    for (const r of subject.roles) for (const c of closure.get(r) ?? []) all.add(c);
    return all;
  };

  const access: Access<D> = {
    declaration: declaration as D,
    roles: roleNames,
    orgRoles: compileOrgRoles<OrgRoleOf<D>, OrgPermissionOf<D>>(declaration.orgRoles),
    hasRole: (subject, role) => expanded(subject).has(role),
    hasPermission: (subject, permission) =>
      subject.roles.some((r) => permissionsOf.get(r)?.has(permission) ?? false),
    hasFeature: (subject, feature) =>
      subject.plan !== undefined && (featuresOf.get(subject.plan)?.has(feature) ?? false),
    planFor: (feature) => {
      const plan = planNames.find((p) => featuresOf.get(p)?.has(feature));
      return plan === undefined ? undefined : { plan, label: plans[plan]?.label ?? plan };
    },
    parseSubject: (claims) => {
      const c = parseClaims(claims);
      if (c === null) return null;
      const id = c.id ?? c.sub;
      // A session must say who it is. Roles from both claims are merged; none at all is allowed
      // (a signed-in user with no role passes `signedIn` policies and fails every role check).
      if (id === undefined) return null;
      const roles = [...new Set([...(c.roles ?? []), ...(c.role !== undefined ? [c.role] : [])])];
      return {
        id,
        roles,
        ...(c.email != null ? { email: c.email } : {}),
        ...(c.name != null ? { name: c.name } : {}),
        ...(c.tenant !== undefined ? { tenant: c.tenant } : {}),
        ...(c.plan !== undefined ? { plan: c.plan } : {}),
      };
    },
    isRole: (name): name is Role => typeof name === "string" && closure.has(name),
    isPermission: (name): name is Permission =>
      typeof name === "string" && allPermissions.has(name),
    isFeature: (name): name is Feature => typeof name === "string" && allFeatures.has(name),
    policy: (rules) => compilePolicy(access, rules),
  };
  return access;
}
