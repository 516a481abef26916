/**
 * List filters: the rows a policy lets a subject see, as a small ORM-neutral condition tree built
 * from the same compiled resource and org rules the single check (`checkResource`) uses. Adapters
 * turn a tree into their ORM's `where`: `lib/authz-prisma.ts`, `lib/authz-drizzle.ts` and
 * `lib/authz-kysely.ts` beside the kit (they import their ORM). Edge-safe, free of ORM imports.
 */
import { AuthzConfigError } from "../errors";
import type { ActiveOrg } from "../org/membership";
import type {
  AccessDeclaration,
  FieldSelection,
  OrgRoleOf,
  Policy,
  PolicyRules,
  Subject,
} from "../types";

/**
 * A condition on a row. `eq` and `in` compare a string field; `present` holds when the field is
 * neither null nor empty (the single check refuses a row without it, whoever asks).
 */
export type Filter =
  | { readonly kind: "always" }
  | { readonly kind: "never" }
  | { readonly kind: "eq"; readonly field: string; readonly value: string }
  | { readonly kind: "in"; readonly field: string; readonly values: readonly string[] }
  | { readonly kind: "present"; readonly field: string }
  | { readonly kind: "and"; readonly of: readonly Filter[] }
  | { readonly kind: "or"; readonly of: readonly Filter[] };

/**
 * The filter that matches no row: what a subject without access gets.
 *
 * @example
 * listFilter(policies.readDocument).where(null); // MATCH_NOTHING
 */
export const MATCH_NOTHING: Filter = Object.freeze({ kind: "never" });
const MATCH_ALL: Filter = Object.freeze({ kind: "always" });

/**
 * Which org a list is in: the active org (the route segment's value, as the single check gets it),
 * or every org of the caller's memberships where the policy's org rule lets them act.
 */
export type ListScope = { readonly org?: string | null } | { readonly orgs: "memberships" };

/** A list filter of one policy: the `where` for a subject and the fields it may read. */
export interface ListFilter<D extends AccessDeclaration> {
  readonly policy: Policy<D>;
  /** The rows the policy lets `subject` see; `never` when it sees none (or on any error). */
  where(subject: Subject<D> | null, scope?: ListScope): Filter;
  /** The fields the policy lets `subject` read (`"*"` for all). */
  fields(subject: Subject<D> | null): FieldSelection;
}

const eq = (field: string, value: string | undefined): Filter =>
  typeof value === "string" && value !== "" ? { kind: "eq", field, value } : MATCH_NOTHING;

/**
 * `and` of conditions, simplified: a `never` wins, `always` drops out.
 *
 * @example
 * allOf([{ kind: "always" }, { kind: "eq", field: "tenantId", value: "acme" }]); // the eq alone
 */
export function allOf(filters: readonly Filter[]): Filter {
  const kept: Filter[] = [];
  for (const f of filters) {
    if (f.kind === "never") return MATCH_NOTHING;
    if (f.kind !== "always") kept.push(f);
  }
  return kept.length === 0 ? MATCH_ALL : kept.length === 1 ? kept[0]! : { kind: "and", of: kept };
}

/**
 * `or` of conditions, simplified: an `always` wins, `never` drops out.
 *
 * @example
 * anyOf([MATCH_NOTHING, MATCH_NOTHING]); // MATCH_NOTHING
 */
export function anyOf(filters: readonly Filter[]): Filter {
  const kept: Filter[] = [];
  for (const f of filters) {
    if (f.kind === "always") return MATCH_ALL;
    if (f.kind !== "never") kept.push(f);
  }
  return kept.length === 0
    ? MATCH_NOTHING
    : kept.length === 1
      ? kept[0]!
      : { kind: "or", of: kept };
}

/**
 * Whether a row matches a filter, with the adapters' SQL semantics (a null or missing field equals
 * nothing). For tests and for rows already in memory; queries use an adapter.
 *
 * @example
 * matches({ kind: "eq", field: "tenantId", value: "acme" }, { tenantId: "acme" }); // true
 */
export function matches(filter: Filter, row: Readonly<Record<string, unknown>>): boolean {
  const field = (name: string): unknown =>
    Object.prototype.hasOwnProperty.call(row, name) ? row[name] : undefined;
  switch (filter.kind) {
    case "always":
      return true;
    case "never":
      return false;
    case "eq":
      return field(filter.field) === filter.value;
    case "in": {
      const v = field(filter.field);
      return typeof v === "string" && filter.values.includes(v);
    }
    case "present": {
      const v = field(filter.field);
      return typeof v === "string" && v !== "";
    }
    case "and":
      return filter.of.every((f) => matches(f, row));
    case "or":
      return filter.of.some((f) => matches(f, row));
  }
}

/**
 * A policy's list filter. Checked once, at definition: the policy needs a resource rule (a list
 * without one would be every row of the table), else an `AuthzConfigError` (`invalid_policy`).
 *
 * @example
 * const readable = listFilter(policies.readDocument);
 * const where = readable.where(subject); // { kind: "eq", field: "tenantId", value: "acme" }
 */
export function listFilter<D extends AccessDeclaration, R extends PolicyRules<D>>(
  policy: Policy<D, R>,
): ListFilter<D> {
  const rule = policy.resource;
  if (rule === undefined)
    throw new AuthzConfigError(
      "invalid_policy",
      `policy "${policy.name}"`,
      "a list filter needs a resource rule (tenant, owner or org key), or it would list every row",
    );
  const general = policy as unknown as Policy<D>;

  // The rows checkResource(subject, row, active) lets through, condition by condition. The check
  // refuses a row whose key is not a non-empty string: `eq` (never with an empty value) and
  // `present` exclude those rows too, so every key the rule reads is covered.
  const inOrg = (subject: Subject<D>, active: ActiveOrg<OrgRoleOf<D>> | undefined): Filter => {
    const conditions: Filter[] = [];
    if (rule.org !== undefined) conditions.push(eq(rule.org, active?.id));
    if (rule.tenant !== undefined) conditions.push(eq(rule.tenant, subject.tenant));
    if (rule.owner !== undefined) {
      conditions.push(
        rule.overridesOwner(subject, active)
          ? { kind: "present", field: rule.owner }
          : eq(rule.owner, subject.id),
      );
    }
    return allOf(conditions);
  };

  return {
    policy: general,
    where(subject, scope = {}) {
      try {
        if (subject === null || policy.checkSubject(subject as never) !== null)
          return MATCH_NOTHING;
        const orgRule = policy.org;
        if (orgRule === undefined) return inOrg(subject, undefined);
        const orgs =
          "orgs" in scope ? (subject.memberships ?? []).map((m) => m.org) : [scope.org ?? null];
        return anyOf(
          orgs.map((org) => {
            const active = orgRule.check(subject.memberships, org);
            return "allowed" in active ? MATCH_NOTHING : inOrg(subject, active);
          }),
        );
      } catch {
        return MATCH_NOTHING;
      }
    },
    fields(subject) {
      try {
        return policy.fieldsFor(subject as never);
      } catch {
        return [];
      }
    },
  };
}
