/**
 * The demo's migrations, as code: idempotent statements run in order at start (PGlite) or by
 * `npm run db:reset` (a Postgres server). They match lib/demo/db/schema.ts.
 */
import { sql } from "drizzle-orm";
import type { DemoDb } from "./types";

/** The statements that create the schema; each is safe to run again. */
export const MIGRATIONS: readonly string[] = [
  `create table if not exists documents (
    id text primary key,
    title text not null,
    tenant_id text not null,
    owner_id text not null,
    created_at timestamp(3) with time zone not null default now()
  )`,
  `create index if not exists documents_tenant_created_idx
    on documents (tenant_id, created_at desc, id desc)`,
  `create table if not exists accounts (user_id text primary key)`,
  `create table if not exists memberships (
    user_id text not null references accounts (user_id) on delete cascade,
    org text not null,
    role text not null,
    primary key (user_id, org)
  )`,
  `create index if not exists memberships_org_idx on memberships (org)`,
];

/** Runs every migration on `db`, in order. */
export async function migrate(db: DemoDb): Promise<void> {
  for (const statement of MIGRATIONS) await db.execute(sql.raw(statement));
}
