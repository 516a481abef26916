/**
 * Organization roles: the second role table of an access declaration, held per membership
 * (`{ org: "acme", role: "admin" }`) instead of once per user. Same shape and rules as the user
 * roles: `inherits` makes `admin` satisfy `member` and grants its permissions.
 */
import { AuthzConfigError } from "../errors";

/** One org role: the org roles it includes and the permissions it grants inside its org. */
export interface OrgRoleDeclaration {
  readonly inherits?: readonly string[];
  readonly permissions?: readonly string[];
}

/** An org role table compiled once at start-up: closure and permissions, looked up per request. */
export interface OrgRoles<Role extends string = string, Permission extends string = string> {
  /** Org role names in declaration order (empty when the declaration has none). */
  readonly names: readonly Role[];
  /** Whether holding `held` satisfies `required` (itself or through inheritance). */
  satisfies(held: Role, required: Role): boolean;
  /** Whether holding `held` grants `permission` inside the org. */
  grants(held: Role, permission: Permission): boolean;
  isRole(name: unknown): name is Role;
  isPermission(name: unknown): name is Permission;
}

/**
 * Each role's closure: itself plus every role it inherits, transitively. An unknown parent or a
 * cycle is a mistake in the declaration: `invalid` is told what, in the table's own words
 * (`noun`: "role" for the app's roles, "org role" for an org's). Serves both tables.
 *
 * @example
 * inheritanceClosures({ member: {}, admin: { inherits: ["member"] } }, ["member", "admin"], "role", fail);
 */
export function inheritanceClosures(
  table: Readonly<Record<string, { readonly inherits?: readonly string[] } | undefined>>,
  names: readonly string[],
  noun: string,
  invalid: (what: string) => never,
): Map<string, ReadonlySet<string>> {
  const known = new Set<string>(names);
  const closure = new Map<string, ReadonlySet<string>>();
  const visit = (role: string, path: readonly string[]): Set<string> => {
    if (path.includes(role)) invalid(`${noun} inheritance cycle ${[...path, role].join(" -> ")}`);
    const found = new Set<string>([role]);
    for (const parent of table[role]?.inherits ?? []) {
      if (!known.has(parent)) invalid(`${noun} "${role}" inherits unknown ${noun} "${parent}"`);
      for (const r of visit(parent, [...path, role])) found.add(r);
    }
    return found;
  };
  for (const role of names) closure.set(role, visit(role, []));
  return closure;
}

/**
 * Compiles an org role table: checks inheritance (unknown role, cycle) and indexes closures and
 * permissions. Throws an `AuthzConfigError` at start-up for an inconsistent table.
 *
 * @example
 * const orgRoles = compileOrgRoles({ member: {}, admin: { inherits: ["member"] } });
 * orgRoles.satisfies("admin", "member"); // true
 */
export function compileOrgRoles<Role extends string, Permission extends string>(
  table: Readonly<Record<string, OrgRoleDeclaration>> | undefined,
): OrgRoles<Role, Permission> {
  const names = Object.keys(table ?? {}) as Role[];
  const known = new Set<string>(names);
  const invalid = (what: string): never => {
    throw new AuthzConfigError("invalid_access_declaration", "access declaration", what);
  };

  const closure = inheritanceClosures(table ?? {}, names, "org role", invalid);

  const granted = new Map<string, ReadonlySet<string>>();
  const allPermissions = new Set<string>();
  for (const role of names) {
    const permissions = new Set<string>();
    for (const r of closure.get(role) ?? []) {
      for (const p of table?.[r]?.permissions ?? []) permissions.add(p);
    }
    for (const p of permissions) allPermissions.add(p);
    granted.set(role, permissions);
  }

  return {
    names,
    satisfies: (held, required) => closure.get(held)?.has(required) ?? false,
    grants: (held, permission) => granted.get(held)?.has(permission) ?? false,
    isRole: (name): name is Role => typeof name === "string" && known.has(name),
    isPermission: (name): name is Permission =>
      typeof name === "string" && allPermissions.has(name),
  };
}
