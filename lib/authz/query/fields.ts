/**
 * Field rules: which fields of a resource each role may read. One declaration on the policy
 * (`fields: { member: ["id", "title"], admin: "*" }`) selects the columns of a list query and strips
 * a loaded resource for a single view, so a list never carries what the single view would not.
 */
import type { AccessDeclaration, Access, FieldSelection, RoleOf, Subject } from "../types";

/** A compiled fields rule: the selection for a subject (pure). */
export type FieldsFor<D extends AccessDeclaration> = (subject: Subject<D> | null) => FieldSelection;

const EVERY_FIELD: FieldSelection = "*";
const NO_FIELD: FieldSelection = Object.freeze([]);

/**
 * Checks a policy's `fields` rule against its declaration and compiles it; `invalid` throws the
 * policy's definition error (an `AuthzConfigError` naming the policy).
 *
 * @example
 * const fieldsFor = compileFields(access, { member: ["id", "title"], admin: "*" }, fail);
 * fieldsFor(bob); // ["id", "title"]
 */
export function compileFields<D extends AccessDeclaration>(
  access: Access<D>,
  rule: { readonly [K in RoleOf<D>]?: "*" | readonly string[] } | undefined,
  invalid: (what: string) => never,
): FieldsFor<D> {
  if (rule === undefined) return (subject) => (subject === null ? NO_FIELD : EVERY_FIELD);
  if (typeof rule !== "object" || rule === null || Array.isArray(rule))
    invalid('fields must be an object of role names to field lists or "*"');
  const entries: [RoleOf<D>, FieldSelection][] = [];
  for (const [role, list] of Object.entries(rule as Record<string, unknown>)) {
    if (!access.isRole(role)) invalid(`fields names unknown role "${role}"`);
    if (list === "*") {
      entries.push([role, EVERY_FIELD]);
      continue;
    }
    if (!Array.isArray(list) || list.length === 0)
      invalid(`fields.${role} must be "*" or a non-empty list of field names`);
    for (const field of list as unknown[])
      if (typeof field !== "string" || !/^[A-Za-z_$][\w$]{0,63}$/.test(field))
        invalid(
          `fields.${role} has a field name that is not an identifier: ${JSON.stringify(field)}`,
        );
    entries.push([role, Object.freeze([...new Set(list as string[])])]);
  }
  if (entries.length === 0) invalid("fields names no role");
  return (subject) => {
    if (subject === null) return NO_FIELD;
    const union = new Set<string>();
    for (const [role, list] of entries) {
      if (!access.hasRole(subject, role)) continue;
      if (list === "*") return EVERY_FIELD;
      for (const field of list) union.add(field);
    }
    return Object.freeze([...union].sort());
  };
}

/**
 * A copy of `resource` with only the selected fields (own properties only); `"*"` copies every
 * field. What a single view returns for the fields its list would select.
 *
 * @example
 * pickFields({ id: "d1", title: "Roadmap", notes: "x" }, ["id", "title"]); // { id: "d1", title: "Roadmap" }
 */
export function pickFields<T extends object>(resource: T, selection: FieldSelection): Partial<T> {
  const source = resource as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  const names = selection === "*" ? Object.keys(source) : selection;
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(source, name)) picked[name] = source[name];
  }
  return picked as Partial<T>;
}
