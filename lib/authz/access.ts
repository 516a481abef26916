import { claimsParser } from "./claims";
import type { Membership } from "./org/membership";
import { compileOrgRoles, type OrgRoleDeclaration, type OrgRoles } from "./org/roles";
import { compilePolicy, type Policy, type PolicyRules } from "./policy";
import type { SessionClaims } from "./session/source";

/**
 * The app's one declaration of its roles, permissions, plans and features. Everything else in the
 * kit is typed from it, so a misspelt role in a policy is a compile error, not a silent deny.
 */
export interface AccessDeclaration {
  /** Roles by name. `inherits` lists roles whose permissions (and checks) this role also satisfies. */
  readonly roles: Readonly<Record<string, RoleDeclaration>>;
  /** Plans by name, each with the features it unlocks. Omit for apps without plans. */
  readonly plans?: Readonly<Record<string, PlanDeclaration>>;
  /** Where a user can upgrade; refusals for a missing feature link to it (`upgrade_url`). */
  readonly upgradeUrl?: string;
  /** Roles held per organization membership (`admin` of acme, `member` of globex), with inheritance. */
  readonly orgRoles?: Readonly<Record<string, OrgRoleDeclaration>>;
}

/** One role: the roles it includes and the permissions it grants. */
export interface RoleDeclaration {
  readonly inherits?: readonly string[];
  readonly permissions?: readonly string[];
}

/** One plan: the features it unlocks, and a name shown to users (defaults to the plan's key). */
export interface PlanDeclaration {
  readonly features: readonly string[];
  readonly label?: string;
}

/** The role names of a declaration. */
export type RoleOf<D extends AccessDeclaration> = keyof D["roles"] & string;
/** Every permission any role of a declaration grants. */
export type PermissionOf<D extends AccessDeclaration> = NonNullable<
  D["roles"][keyof D["roles"]]["permissions"]
>[number];
/** The plan names of a declaration (`never` without plans). */
export type PlanOf<D extends AccessDeclaration> =
  D["plans"] extends Readonly<Record<string, PlanDeclaration>> ? keyof D["plans"] & string : never;
/** Every feature any plan of a declaration unlocks (`never` without plans). */
export type FeatureOf<D extends AccessDeclaration> =
  D["plans"] extends Readonly<Record<string, PlanDeclaration>>
    ? D["plans"][keyof D["plans"]]["features"][number]
    : never;

/** The org role names of a declaration (`never` without `orgRoles`). */
export type OrgRoleOf<D extends AccessDeclaration> =
  D["orgRoles"] extends Readonly<Record<string, OrgRoleDeclaration>>
    ? keyof D["orgRoles"] & string
    : never;
/** Every permission any org role of a declaration grants (`never` without `orgRoles`). */
export type OrgPermissionOf<D extends AccessDeclaration> =
  D["orgRoles"] extends Readonly<Record<string, OrgRoleDeclaration>>
    ? NonNullable<D["orgRoles"][keyof D["orgRoles"]]["permissions"]>[number]
    : never;

/**
 * Who is asking, as the kit knows it from a verified session: never from the request body,
 * query or any header the client controls.
 */
export interface Subject<D extends AccessDeclaration = AccessDeclaration> {
  readonly id: string;
  readonly email?: string;
  readonly name?: string;
  readonly roles: readonly RoleOf<D>[];
  readonly tenant?: string;
  readonly plan?: PlanOf<D>;
  /**
   * The account's org memberships, read from the kit's account source on every request (within its
   * cache bound), never from the cookie. Absent when the kit has no account source.
   */
  readonly memberships?: readonly Membership<OrgRoleOf<D>>[];
}

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
 * A declaration the kit has checked and indexed: role closure, feature-to-plan table and the
 * claims schema, all computed once at start-up.
 */
export interface Access<D extends AccessDeclaration> {
  readonly declaration: D;
  /** Role names in declaration order. */
  readonly roles: readonly RoleOf<D>[];
  /** Whether a subject holds `role` directly or through inheritance. */
  hasRole(subject: Subject<D>, role: RoleOf<D>): boolean;
  /** Whether a subject's roles grant `permission`. */
  hasPermission(subject: Subject<D>, permission: PermissionOf<D>): boolean;
  /** Whether a subject's plan unlocks `feature`. */
  hasFeature(subject: Subject<D>, feature: FeatureOf<D>): boolean;
  /** The first declared plan that unlocks `feature` (what an upgrade hint names). */
  planFor(feature: FeatureOf<D>): { readonly plan: PlanOf<D>; readonly label: string } | undefined;
  /** The org role table: inheritance and permissions inside an org. */
  readonly orgRoles: OrgRoles<OrgRoleOf<D>, OrgPermissionOf<D>>;
  /** Validates raw session claims into a Subject; `null` when they do not fit the declaration. */
  parseSubject(claims: SessionClaims): Subject<D> | null;
  /**
   * Defines a policy on this declaration: checked now (unknown role, empty list, malformed CIDR,
   * bad window all throw a TypeError at start-up), evaluated per request by `createAuthz`.
   *
   * @example
   * const adminOnly = access.policy({ name: "admin", role: "admin" });
   */
  policy<const R extends PolicyRules<D>>(rules: R): Policy<D, R>;
  /** Whether `name` is a declared role, permission or feature (for validating untyped callers). */
  isRole(name: unknown): name is RoleOf<D>;
  isPermission(name: unknown): name is PermissionOf<D>;
  isFeature(name: unknown): name is FeatureOf<D>;
}

/**
 * Declares the app's roles, permissions, plans and features once; the returned object types every
 * policy built on it. Throws a TypeError at start-up for an inconsistent declaration.
 *
 * @param declaration roles (with `inherits` and `permissions`), optional `plans` and `upgradeUrl`.
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
    throw new TypeError("Invalid access declaration: declare at least one role");
  const roleSet = new Set<string>(roleNames);

  // Each role's closure: itself plus every role it inherits, transitively. Cycles are a mistake.
  const closure = new Map<string, ReadonlySet<string>>();
  const visit = (role: string, path: readonly string[]): Set<string> => {
    if (path.includes(role)) {
      throw new TypeError(
        `Invalid access declaration: role inheritance cycle ${[...path, role].join(" -> ")}`,
      );
    }
    const found = new Set<string>([role]);
    for (const parent of declaration.roles[role]?.inherits ?? []) {
      if (!roleSet.has(parent)) {
        throw new TypeError(
          `Invalid access declaration: role "${role}" inherits unknown role "${parent}"`,
        );
      }
      for (const r of visit(parent, [...path, role])) found.add(r);
    }
    return found;
  };
  for (const role of roleNames) closure.set(role, visit(role, []));

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
    throw new TypeError(
      `Invalid access declaration: upgradeUrl must be a path or an https URL, got "${declaration.upgradeUrl}"`,
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
    isRole: (name): name is Role => typeof name === "string" && roleSet.has(name),
    isPermission: (name): name is Permission =>
      typeof name === "string" && allPermissions.has(name),
    isFeature: (name): name is Feature => typeof name === "string" && allFeatures.has(name),
    policy: (rules) => compilePolicy(access, rules),
  };
  return access;
}
