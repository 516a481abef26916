/**
 * The Drizzle ORM adapter of list filters: a filter tree as a Drizzle `where`, and a field
 * selection as the columns of a `select`. It lives beside the kit folder, not in it, so a copied
 * `lib/authz/` needs no ORM (its own registry item: `authz-drizzle`). Imports `drizzle-orm` only;
 * field names are the table's property names (the keys the policy's resource rule declares).
 */
import {
  and,
  eq,
  getTableColumns,
  inArray,
  isNotNull,
  ne,
  or,
  sql,
  type Column,
  type SQL,
  type Table,
} from "drizzle-orm";
import type { Filter } from "./authz/query/filter";
import type { FieldSelection } from "./authz/types";

function columnsOf(table: Table): Readonly<Record<string, Column>> {
  return getTableColumns(table) as Readonly<Record<string, Column>>;
}

function columnOf(columns: Readonly<Record<string, Column>>, name: string): Column {
  const column = Object.prototype.hasOwnProperty.call(columns, name) ? columns[name] : undefined;
  // A field the table lacks is a mistake in the policy or the table: an error (which denies),
  // never a condition dropped from the query.
  if (column === undefined) throw new TypeError(`the table has no column for field "${name}"`);
  return column;
}

/**
 * A Drizzle `where` for a filter over `table`: `never` is `false`, so a subject without access runs
 * a query that matches nothing rather than an unfiltered one.
 *
 * @example
 * const rows = await db.select().from(documents).where(drizzleWhere(readable.where(subject), documents));
 */
export function drizzleWhere(filter: Filter, table: Table): SQL {
  const columns = columnsOf(table);
  const build = (f: Filter): SQL => {
    switch (f.kind) {
      case "always":
        return sql`true`;
      case "never":
        return sql`false`;
      case "eq":
        return eq(columnOf(columns, f.field), f.value);
      case "in":
        return f.values.length === 0
          ? sql`false`
          : inArray(columnOf(columns, f.field), [...f.values]);
      case "present": {
        const column = columnOf(columns, f.field);
        return sql`(${isNotNull(column)} and ${ne(column, "")})`;
      }
      case "and":
        return f.of.length === 0 ? sql`true` : (and(...f.of.map(build)) ?? sql`true`);
      case "or":
        return f.of.length === 0 ? sql`false` : (or(...f.of.map(build)) ?? sql`false`);
    }
  };
  return build(filter);
}

/**
 * The columns of `table` a field selection names, for `db.select(columns)`: every column for `"*"`.
 * A name the table lacks throws (a policy naming a field the table does not have is a mistake).
 *
 * @example
 * const rows = await db.select(drizzleColumns(documents, readable.fields(subject))).from(documents);
 */
export function drizzleColumns<T extends Table>(
  table: T,
  selection: FieldSelection,
): Readonly<Record<string, T["_"]["columns"][keyof T["_"]["columns"]]>> {
  const columns = getTableColumns(table) as Readonly<
    Record<string, T["_"]["columns"][keyof T["_"]["columns"]]>
  >;
  if (selection === "*") return columns;
  if (selection.length === 0)
    throw new TypeError("the field selection is empty: nothing to select");
  return Object.fromEntries(
    selection.map((name) => {
      columnOf(columns, name);
      return [name, columns[name]!];
    }),
  );
}
