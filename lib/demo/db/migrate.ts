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
  // Better Auth's tables (lib/demo/db/better-auth-schema.ts): core and organization plugin.
  `create table if not exists "user" (
    id text primary key,
    name text not null,
    email text not null unique,
    email_verified boolean not null default false,
    image text,
    created_at timestamp(3) with time zone not null default now(),
    updated_at timestamp(3) with time zone not null default now(),
    role text
  )`,
  `create table if not exists session (
    id text primary key,
    expires_at timestamp(3) with time zone not null,
    token text not null unique,
    created_at timestamp(3) with time zone not null default now(),
    updated_at timestamp(3) with time zone not null default now(),
    ip_address text,
    user_agent text,
    user_id text not null references "user" (id) on delete cascade,
    active_organization_id text
  )`,
  `create index if not exists session_user_id_idx on session (user_id)`,
  `create table if not exists account (
    id text primary key,
    account_id text not null,
    provider_id text not null,
    user_id text not null references "user" (id) on delete cascade,
    access_token text,
    refresh_token text,
    id_token text,
    access_token_expires_at timestamp(3) with time zone,
    refresh_token_expires_at timestamp(3) with time zone,
    scope text,
    password text,
    created_at timestamp(3) with time zone not null default now(),
    updated_at timestamp(3) with time zone not null default now()
  )`,
  `create index if not exists account_user_id_idx on account (user_id)`,
  `create table if not exists verification (
    id text primary key,
    identifier text not null,
    value text not null,
    expires_at timestamp(3) with time zone not null,
    created_at timestamp(3) with time zone not null default now(),
    updated_at timestamp(3) with time zone not null default now()
  )`,
  `create index if not exists verification_identifier_idx on verification (identifier)`,
  `create table if not exists organization (
    id text primary key,
    name text not null,
    slug text not null unique,
    logo text,
    created_at timestamp(3) with time zone not null,
    metadata text
  )`,
  `create table if not exists member (
    id text primary key,
    organization_id text not null references organization (id) on delete cascade,
    user_id text not null references "user" (id) on delete cascade,
    role text not null default 'member',
    created_at timestamp(3) with time zone not null
  )`,
  `create index if not exists member_organization_id_idx on member (organization_id)`,
  `create index if not exists member_user_id_idx on member (user_id)`,
  `create table if not exists invitation (
    id text primary key,
    organization_id text not null references organization (id) on delete cascade,
    email text not null,
    role text,
    status text not null default 'pending',
    expires_at timestamp(3) with time zone not null,
    created_at timestamp(3) with time zone not null default now(),
    inviter_id text not null references "user" (id) on delete cascade
  )`,
  `create index if not exists invitation_organization_id_idx on invitation (organization_id)`,
  `create index if not exists invitation_email_idx on invitation (email)`,
];

/** Runs every migration on `db`, in order. */
export async function migrate(db: DemoDb): Promise<void> {
  for (const statement of MIGRATIONS) await db.execute(sql.raw(statement));
}
