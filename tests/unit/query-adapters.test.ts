/**
 * lib/authz-drizzle.ts, kysely.ts and prisma.ts: what each adapter makes of every filter
 * node, and that "match nothing" is a condition in the query, never a missing WHERE. The rows
 * these conditions select are proven on PGlite and Postgres by the differential suites.
 */
import { PgDialect, pgTable, text } from "drizzle-orm/pg-core";
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from "kysely";
import { describe, expect, it } from "vitest";
import { drizzleColumns, drizzleWhere } from "@/lib/authz-drizzle";
import type { Filter } from "@/lib/authz/query/filter";
import { kyselyColumns, kyselyWhere } from "@/lib/authz-kysely";
import { prismaSelect, prismaWhere } from "@/lib/authz-prisma";

const docs = pgTable("docs", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id"),
  ownerId: text("owner_id"),
});
const dialect = new PgDialect();
const drizzleSql = (f: Filter) => dialect.sqlToQuery(drizzleWhere(f, docs));

const kysely = new Kysely<{ docs: { id: string; tenant_id: string; owner_id: string } }>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const kyselySql = (f: Filter) =>
  kysely
    .selectFrom("docs")
    .select("id")
    .where(kyselyWhere(f, { columns: { tenantId: "tenant_id", ownerId: "owner_id" } }))
    .compile();

const tree: Filter = {
  kind: "or",
  of: [
    {
      kind: "and",
      of: [
        { kind: "eq", field: "tenantId", value: "acme" },
        { kind: "present", field: "ownerId" },
      ],
    },
    { kind: "in", field: "ownerId", values: ["u1", "u2"] },
  ],
};

describe("drizzle adapter", () => {
  it("never is false and always is true: the WHERE is always there", () => {
    expect(drizzleSql({ kind: "never" }).sql).toBe("false");
    expect(drizzleSql({ kind: "always" }).sql).toBe("true");
    expect(drizzleSql({ kind: "in", field: "ownerId", values: [] }).sql).toBe("false");
  });

  it("a tree becomes parameterised SQL on the table's columns", () => {
    const q = drizzleSql(tree);
    expect(q.sql).toBe(
      '(("docs"."tenant_id" = $1 and ("docs"."owner_id" is not null and "docs"."owner_id" <> $2)) or "docs"."owner_id" in ($3, $4))',
    );
    expect(q.params).toEqual(["acme", "", "u1", "u2"]);
  });

  it("a field the table lacks throws instead of dropping the condition", () => {
    expect(() => drizzleWhere({ kind: "eq", field: "orgId", value: "x" }, docs)).toThrow(
      'the table has no column for field "orgId"',
    );
    expect(() => drizzleColumns(docs, ["id", "secret"])).toThrow('field "secret"');
    expect(() => drizzleColumns(docs, [])).toThrow("empty");
    expect(Object.keys(drizzleColumns(docs, ["id", "tenantId"]))).toEqual(["id", "tenantId"]);
    expect(Object.keys(drizzleColumns(docs, "*"))).toEqual(["id", "tenantId", "ownerId"]);
  });
});

describe("kysely adapter", () => {
  it("never is false: the WHERE is always there", () => {
    expect(kyselySql({ kind: "never" }).sql).toBe('select "id" from "docs" where false');
  });

  it("a tree becomes parameterised SQL on the mapped column names", () => {
    const q = kyselySql(tree);
    expect(q.sql).toBe(
      'select "id" from "docs" where (("tenant_id" = $1 and ("owner_id" is not null and "owner_id" <> \'\')) or "owner_id" in ($2, $3))',
    );
    expect(q.parameters).toEqual(["acme", "u1", "u2"]);
    expect(kyselyColumns(["tenantId"], { columns: { tenantId: "tenant_id" }, table: "d" })).toEqual(
      ["d.tenant_id"],
    );
    expect(kyselyColumns("*")).toBe("*");
  });
});

describe("prisma adapter", () => {
  it("never is an empty OR (Prisma matches nothing), always an empty where", () => {
    expect(prismaWhere({ kind: "never" })).toEqual({ OR: [] });
    expect(prismaWhere({ kind: "always" })).toEqual({});
  });

  it("a tree becomes a where object of the model's fields", () => {
    expect(prismaWhere(tree)).toEqual({
      OR: [
        {
          AND: [
            { tenantId: { equals: "acme" } },
            { AND: [{ ownerId: { not: null } }, { ownerId: { not: "" } }] },
          ],
        },
        { ownerId: { in: ["u1", "u2"] } },
      ],
    });
    expect(prismaSelect(["id", "title"])).toEqual({ id: true, title: true });
    expect(prismaSelect("*")).toBeUndefined();
    expect(() => prismaSelect([])).toThrow("empty");
  });
});
