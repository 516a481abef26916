/**
 * An organization keeps an admin: the membership stores refuse a change that would take an org
 * from one admin to none (a demotion, a removal, an account deletion), atomically with the change
 * itself, so two concurrent demotions cannot both pass. Edge-safe, no dependencies.
 *
 * @see docs/organizations.md#an-organization-keeps-an-admin
 */
import { deny, type Deny } from "../decide/decision";
import { AuthzConfigError } from "../errors";

const BRAND = Symbol.for("next-authz-kit.last-org-admin");

/**
 * What a membership store rejects with when a change would leave `org` without an admin. A caller
 * that does not know it fails closed (the change did not happen, the call threw).
 *
 * @example
 * try { await store.removeMembership("acme", "u-alice"); }
 * catch (error) { if (error instanceof LastOrgAdminError) return denialResponse(lastOrgAdmin(error.org)); throw error; }
 */
export class LastOrgAdminError extends Error {
  /** The refusal's stable code, as the 409 body carries it. */
  readonly code = "last_org_admin";
  /** The org that would have been left without an admin. */
  readonly org: string;

  constructor(org: string) {
    super(`The change would leave organization ${JSON.stringify(org)} without an admin`);
    this.name = "LastOrgAdminError";
    this.org = org;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * `instanceof` by brand: Next evaluates a module once per bundle (route handlers, pages,
   * actions), so the store that threw may hold another copy of this class than the code catching.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true &&
      typeof (value as { org?: unknown }).org === "string"
    );
  }
}

/**
 * The kit's 409 `last_org_admin` refusal, for the answer to a change a store refused.
 *
 * @example
 * if (error instanceof LastOrgAdminError) return authz.denialResponse(lastOrgAdmin(error.org), request);
 */
export function lastOrgAdmin(org: string): Deny {
  return deny("last_org_admin", "An organization must keep at least one admin", {
    rule: "orgAdmin",
    details: { org },
  });
}

/** The org roles that count as an org's admin (default `["admin"]`), checked where a store is made. */
export function adminRoleList(roles: readonly string[] | undefined): readonly string[] {
  const list = roles ?? ["admin"];
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((r) => typeof r === "string" && r !== "")
  ) {
    throw new AuthzConfigError(
      "invalid_store_options",
      "adminRoles",
      `expected a non-empty list of org role names, got ${JSON.stringify(roles)}`,
    );
  }
  return [...list];
}
