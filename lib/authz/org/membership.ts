/**
 * Memberships as the kit trusts them: parsed from whatever a store returned, with every entry that
 * does not fit the declaration dropped. A malformed record is no membership, never a guess.
 */

/** One membership of a user: the org's id and the user's org role in it. */
export interface Membership<Role extends string = string> {
  readonly org: string;
  readonly role: Role;
}

/** The org a request acts in (its route segment) and the caller's role there. */
export interface ActiveOrg<Role extends string = string> {
  readonly id: string;
  readonly role: Role;
}

/** Longest org id the kit accepts; longer ones are never a membership. */
export const MAX_ORG_ID_LENGTH = 128;

/** Whether `value` can name an org: a non-empty string of at most 128 characters. */
export function isOrgId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_ORG_ID_LENGTH;
}

/**
 * Parses a store's raw memberships (org id → org role) into a sorted list, dropping entries with
 * an unusable org id or an undeclared role. Anything that is not a plain object yields none.
 *
 * @example
 * parseMemberships({ acme: "admin", globex: "owner" }, (r) => r === "admin" || r === "member");
 * // [{ org: "acme", role: "admin" }]
 */
export function parseMemberships<Role extends string>(
  raw: unknown,
  isRole: (name: unknown) => name is Role,
): Membership<Role>[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [];
  const found: Membership<Role>[] = [];
  // Own enumerable keys only: a "__proto__" or "constructor" key is data, never an inherited value.
  for (const [org, role] of Object.entries(raw as Record<string, unknown>)) {
    if (isOrgId(org) && isRole(role)) found.push({ org, role });
  }
  return found.sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0));
}

/**
 * The caller's membership in `org`, or null when there is none (or `org` is not a usable id).
 *
 * @example
 * membershipIn([{ org: "acme", role: "member" }], "acme"); // { id: "acme", role: "member" }
 */
export function membershipIn<Role extends string>(
  memberships: readonly Membership<Role>[] | undefined,
  org: string | null,
): ActiveOrg<Role> | null {
  if (!isOrgId(org) || memberships === undefined) return null;
  const found = memberships.find((m) => m.org === org);
  return found === undefined ? null : { id: found.org, role: found.role };
}
