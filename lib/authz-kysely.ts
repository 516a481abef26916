/**
 * The Kysely adapter of list filters: a filter tree as a Kysely boolean expression for `.where()`,
 * and a field selection as column names. It lives beside the kit folder, not in it, so a copied
 * `lib/authz/` needs no ORM (its own registry item: `authz-kysely`). Imports `kysely` only. Filter
 * fields are the policy's resource keys; `columns` maps them to column names (`tenantId` to
 * `tenant_id`) when they differ.
 */
import { sql, type Expression, type RawBuilder, type SqlBool } from "kysely";
import type { Filter } from "./authz/query/filter";
import type { FieldSelection } from "./authz/types";

/** Options of the Kysely adapter. */
export interface KyselyFilterOptions {
  /** Column names by field, for fields whose column is named otherwise (default: the field's name). */
  readonly columns?: Readonly<Record<string, string>>;
  /** A table name or alias to qualify columns with (for joins). */
  readonly table?: string;
}

const columnName = (field: string, options: KyselyFilterOptions): string => {
  const mapped =
    options.columns && Object.prototype.hasOwnProperty.call(options.columns, field)
      ? options.columns[field]
      : field;
  if (typeof mapped !== "string" || mapped === "")
    throw new TypeError(`no column name for field "${field}"`);
  return options.table !== undefined ? `${options.table}.${mapped}` : mapped;
};

/**
 * A Kysely expression for a filter: `never` is `false`, so a subject without access runs a query
 * that matches nothing rather than an unfiltered one.
 *
 * @example
 * const rows = await db.selectFrom("documents").selectAll()
 *   .where(kyselyWhere(readable.where(subject), { columns: { tenantId: "tenant_id" } }))
 *   .execute();
 */
export function kyselyWhere(
  filter: Filter,
  options: KyselyFilterOptions = {},
): Expression<SqlBool> {
  const build = (f: Filter): RawBuilder<SqlBool> => {
    switch (f.kind) {
      case "always":
        return sql<SqlBool>`true`;
      case "never":
        return sql<SqlBool>`false`;
      case "eq":
        return sql<SqlBool>`${sql.ref(columnName(f.field, options))} = ${f.value}`;
      case "in":
        return f.values.length === 0
          ? sql<SqlBool>`false`
          : sql<SqlBool>`${sql.ref(columnName(f.field, options))} in (${sql.join([...f.values])})`;
      case "present": {
        const column = sql.ref(columnName(f.field, options));
        return sql<SqlBool>`(${column} is not null and ${column} <> '')`;
      }
      case "and":
        return f.of.length === 0
          ? sql<SqlBool>`true`
          : sql<SqlBool>`(${sql.join(f.of.map(build), sql` and `)})`;
      case "or":
        return f.of.length === 0
          ? sql<SqlBool>`false`
          : sql<SqlBool>`(${sql.join(f.of.map(build), sql` or `)})`;
    }
  };
  return build(filter);
}

/**
 * The column names a field selection names, for `.select(...)`; `"*"` stays `"*"` (use
 * `selectAll()`). An empty selection throws: there is nothing to select.
 *
 * @example
 * const columns = kyselyColumns(readable.fields(subject), { columns: { tenantId: "tenant_id" } });
 */
export function kyselyColumns(
  selection: FieldSelection,
  options: KyselyFilterOptions = {},
): "*" | readonly string[] {
  if (selection === "*") return "*";
  if (selection.length === 0)
    throw new TypeError("the field selection is empty: nothing to select");
  return selection.map((field) => columnName(field, options));
}
