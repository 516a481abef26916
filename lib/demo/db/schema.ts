/**
 * The demo's database schema: documents, the kit's accounts and memberships, and Better Auth's
 * tables (lib/demo/db/better-auth-schema.ts) for its Drizzle adapter. Drizzle property names are the keys the policies' resource rules declare
 * (`tenantId`, `ownerId`), so the list filters name them directly.
 */
import { index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { betterAuthSchema } from "./better-auth-schema";

/** Documents: one org (tenant) each, one owner, newest first in every list. */
export const documents = pgTable(
  "documents",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    tenantId: text("tenant_id").notNull(),
    ownerId: text("owner_id").notNull(),
    createdAt: timestamp("created_at", { precision: 3, mode: "date", withTimezone: true })
      .notNull()
      .defaultNow(),
  },
  // Lists filter by tenant and page newest first: this index serves both (EXPLAIN-checked in
  // tests/integration/demo-db-postgres.test.ts).
  (t) => [index("documents_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc())],
);

/** Accounts that exist (a deleted account has no row): what the kit's account source reads. */
export const accounts = pgTable("accounts", {
  userId: text("user_id").primaryKey(),
});

/** Org memberships: one role per account and org; they go with their account. */
export const memberships = pgTable(
  "memberships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => accounts.userId, { onDelete: "cascade" }),
    org: text("org").notNull(),
    role: text("role").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.org] }), index("memberships_org_idx").on(t.org)],
);

/** The demo's schema, for `drizzle(client, { schema })`. */
export const schema = { documents, accounts, memberships, ...betterAuthSchema };
