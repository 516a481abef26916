// Lists from policies: one policy gives the single check and the list's WHERE clause (docs/lists.md).
import { drizzleColumns, drizzleWhere } from "@/lib/authz-drizzle";
import { listFilter } from "@/lib/authz/query/filter";
import { pickFields } from "@/lib/authz/query/fields";
import { kyselyWhere } from "@/lib/authz-kysely";
import { prismaSelect, prismaWhere, type PrismaWhere } from "@/lib/authz-prisma";
import { desc } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Kysely } from "kysely";
import { access } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

// The same policy a GET /api/documents/[id] route checks: same tenant; members read some fields.
const readDocument = access.policy({
  name: "read-document",
  permission: "documents:read",
  resource: { tenant: "tenantId", conceal: "cross-tenant" },
  fields: { member: ["id", "title", "tenantId"], admin: "*" },
});
// Checked once, at start-up: a policy without a resource rule has no list (it would be every row).
const readable = listFilter(readDocument);

// Drizzle: the table's property names are the policy's resource keys.
const documents = pgTable("documents", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  tenantId: text("tenant_id").notNull(),
  ownerId: text("owner_id").notNull(),
  createdAt: timestamp("created_at").notNull().defaultNow(),
});
declare const db: PgDatabase<PgQueryResultHKT>;

// app/api/documents/route.ts: a subject without access gets `where false`, never an unfiltered query.
export const GET = withAuthorization(access.policy({ name: "list-documents" }), async (_r, c) => {
  const rows = await db
    .select(drizzleColumns(documents, readable.fields(c.subject)))
    .from(documents)
    .where(drizzleWhere(readable.where(c.subject), documents))
    .orderBy(desc(documents.createdAt))
    .limit(20);
  return Response.json({ documents: rows });
});

// The single view strips the same fields the list does not select.
export const view = (subject: Parameters<typeof readable.fields>[0], doc: { id: string }) =>
  pickFields(doc, readable.fields(subject));

// Kysely: map the resource keys to column names where they differ.
interface Database {
  documents: { id: string; title: string; tenant_id: string; owner_id: string };
}
export const kyselyList = (
  kysely: Kysely<Database>,
  subject: Parameters<typeof readable.where>[0],
) =>
  kysely
    .selectFrom("documents")
    .select(["id", "title"])
    .where(kyselyWhere(readable.where(subject), { columns: { tenantId: "tenant_id" } }))
    .execute();

// Prisma: a plain `where` object; the adapter needs no Prisma package of its own.
declare const prisma: {
  document: {
    findMany(args: {
      where: PrismaWhere;
      select?: Readonly<Record<string, true>>;
    }): Promise<unknown[]>;
  };
};
export const prismaList = (subject: Parameters<typeof readable.where>[0]) =>
  prisma.document.findMany({
    where: prismaWhere(readable.where(subject)),
    select: prismaSelect(readable.fields(subject)),
  });
