/**
 * The Prisma adapter of list filters: a filter tree as a Prisma `where` object and a field
 * selection as a `select` object. Typed structurally: it imports nothing from `@prisma/client`, so
 * the kit does not need it installed. Filter fields are the model's field names.
 */
import type { Filter } from "./authz/query/filter";
import type { FieldSelection } from "./authz/types";

/** A Prisma `where` input, structurally: field conditions combined with `AND` and `OR`. */
export type PrismaWhere = { readonly [key: string]: unknown };

/**
 * A Prisma `where` for a filter. `never` is `{ OR: [] }` (Prisma matches nothing for an empty `OR`),
 * `always` is `{}`, so a subject without access runs a query that matches nothing.
 *
 * @example
 * const rows = await prisma.document.findMany({ where: prismaWhere(readable.where(subject)) });
 */
export function prismaWhere(filter: Filter): PrismaWhere {
  switch (filter.kind) {
    case "always":
      return {};
    case "never":
      return { OR: [] };
    case "eq":
      return { [filter.field]: { equals: filter.value } };
    case "in":
      return filter.values.length === 0
        ? { OR: [] }
        : { [filter.field]: { in: [...filter.values] } };
    case "present":
      return { AND: [{ [filter.field]: { not: null } }, { [filter.field]: { not: "" } }] };
    case "and":
      return { AND: filter.of.map(prismaWhere) };
    case "or":
      return { OR: filter.of.map(prismaWhere) };
  }
}

/**
 * A Prisma `select` for a field selection; undefined for `"*"` (select every scalar field).
 *
 * @example
 * const rows = await prisma.document.findMany({ select: prismaSelect(readable.fields(subject)), where });
 */
export function prismaSelect(
  selection: FieldSelection,
): Readonly<Record<string, true>> | undefined {
  if (selection === "*") return undefined;
  if (selection.length === 0)
    throw new TypeError("the field selection is empty: nothing to select");
  return Object.fromEntries(selection.map((field) => [field, true as const]));
}
