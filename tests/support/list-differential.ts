/**
 * The differential harness of list filters (DESIGN §1.9, issue 22 point 4): generated rows in a real
 * database, every kind of subject, the demo's policies and a generated family; for each case the
 * rows the filtered query returns (Drizzle, and Kysely's SQL) must equal the rows for which the
 * single check (`checkResource` after `checkSubject` and the org rule) allows. A mismatch throws a
 * minimal counterexample: one policy, one subject, one scope, one row.
 */
import { inArray, sql, type SQL } from "drizzle-orm";
import { pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from "kysely";
import { access, policies } from "@/lib/access";
import type { Policy, Subject } from "@/lib/authz";
import { drizzleWhere } from "@/lib/authz-drizzle";
import { listFilter, matches, type Filter, type ListScope } from "@/lib/authz/query/filter";
import { kyselyWhere } from "@/lib/authz-kysely";

type Declaration = typeof access.declaration;
type AnyPolicy = Policy<Declaration>;
/** A Drizzle Postgres database (PGlite or node-postgres). */
export type AnyPgDb = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;

/** The table the harness fills: every key nullable, so null and empty keys are in the data. */
export const diffDocs = pgTable("diff_docs", {
  id: text("id").primaryKey(),
  tenantId: text("tenant_id"),
  ownerId: text("owner_id"),
  orgId: text("org_id"),
  createdAt: timestamp("created_at", { precision: 3, withTimezone: true }).notNull(),
});

export type Row = {
  readonly id: string;
  readonly tenantId: string | null;
  readonly ownerId: string | null;
  readonly orgId: string | null;
};

/** Deterministic PRNG (mulberry32), so a failure reproduces from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(rnd: () => number, items: readonly T[]): T =>
  items[Math.floor(rnd() * items.length)]!;

export const TENANTS = ["acme", "globex", "initech"] as const;
export const USERS = ["user-alice", "user-bob", "user-carol", "user-dave", "user-erin"] as const;

/** Rows across tenants, orgs and owners, with the traps: null and empty keys, unknown orgs. */
export function generateRows(count: number, seed: number): Row[] {
  const rnd = random(seed);
  const key = (values: readonly string[]): string | null => {
    const r = rnd();
    return r < 0.04 ? null : r < 0.06 ? "" : pick(rnd, values);
  };
  return Array.from({ length: count }, (_, i) => ({
    id: `d${String(i).padStart(5, "0")}`,
    tenantId: key([...TENANTS, "umbrella"]),
    ownerId: key(USERS),
    orgId: key([...TENANTS, "umbrella"]),
  }));
}

/** Creates (or empties) the table and inserts the rows. */
export async function loadRows(db: AnyPgDb, rows: readonly Row[]): Promise<void> {
  await db.execute(
    sql.raw(`create table if not exists diff_docs (
      id text primary key, tenant_id text, owner_id text, org_id text,
      created_at timestamp(3) with time zone not null)`),
  );
  await db.execute(sql.raw("truncate diff_docs"));
  const base = Date.UTC(2026, 0, 1);
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insert(diffDocs)
      .values(
        rows
          .slice(i, i + 500)
          .map((r, j) => ({ ...r, createdAt: new Date(base + (i + j) * 1000) })),
      );
  }
}

/** Moves some documents to another org (and tenant), in the database and in `rows`. */
export async function moveRows(db: AnyPgDb, rows: Row[], ids: readonly string[], to: string) {
  await db
    .update(diffDocs)
    .set({ orgId: to, tenantId: to })
    .where(inArray(diffDocs.id, [...ids]));
  for (let i = 0; i < rows.length; i++)
    if (ids.includes(rows[i]!.id)) rows[i] = { ...rows[i]!, orgId: to, tenantId: to };
}

type Sub = Subject<Declaration>;
const subject = (s: Omit<Sub, "roles"> & { roles?: Sub["roles"] }): Sub => ({ roles: [], ...s });

/** Every kind of subject: anonymous or deleted (null), members, admins, multi-org, the odd ones. */
export const SUBJECTS: readonly (readonly [string, Sub | null])[] = [
  ["anonymous or deleted account", null],
  [
    "member of acme",
    subject({
      id: "user-bob",
      roles: ["member"],
      tenant: "acme",
      memberships: [{ org: "acme", role: "member" }],
    }),
  ],
  [
    "admin of acme",
    subject({
      id: "user-alice",
      roles: ["admin"],
      tenant: "acme",
      memberships: [{ org: "acme", role: "admin" }],
    }),
  ],
  [
    "multi-org (acme member, globex admin)",
    subject({
      id: "user-dave",
      roles: ["member"],
      tenant: "acme",
      memberships: [
        { org: "acme", role: "member" },
        { org: "globex", role: "admin" },
      ],
    }),
  ],
  [
    "member of globex",
    subject({
      id: "user-carol",
      roles: ["member"],
      tenant: "globex",
      memberships: [{ org: "globex", role: "member" }],
    }),
  ],
  [
    "member with empty memberships",
    subject({ id: "user-erin", roles: ["member"], tenant: "initech", memberships: [] }),
  ],
  ["member without memberships or tenant", subject({ id: "user-erin", roles: ["member"] })],
  [
    "signed in, no role",
    subject({
      id: "user-bob",
      roles: [],
      tenant: "acme",
      memberships: [{ org: "acme", role: "admin" }],
    }),
  ],
  [
    "admin with an empty id",
    subject({
      id: "",
      roles: ["admin"],
      tenant: "acme",
      memberships: [{ org: "acme", role: "admin" }],
    }),
  ],
];

/** The scopes a policy is listed in: no org, or each org (known, unknown, none) and all memberships. */
export function scopesOf(policy: AnyPolicy): readonly ListScope[] {
  if (!policy.org) return [{}];
  return [
    { org: "acme" },
    { org: "globex" },
    { org: "umbrella" },
    { org: null },
    { orgs: "memberships" },
  ];
}

/** The oracle: whether the single check lets `subject` reach `row` in `scope`. */
export function checkAllows(
  policy: AnyPolicy,
  who: Sub | null,
  row: Row,
  scope: ListScope,
): boolean {
  if (who === null || policy.checkSubject(who) !== null) return false;
  const orgs = policy.org
    ? "orgs" in scope
      ? (who.memberships ?? []).map((m) => m.org)
      : [scope.org ?? null]
    : [undefined];
  for (const org of orgs) {
    let active;
    if (policy.org) {
      const checked = policy.org.check(who.memberships, org ?? null);
      if ("allowed" in checked) continue;
      active = checked;
    }
    try {
      if (policy.checkResource(who, row, active) === null) return true;
    } catch {
      // The check refuses a row whose keys are not non-empty strings: not allowed.
    }
  }
  return false;
}

/** The demo's list policies on the harness table's keys, plus a generated family. */
export function policyFamily(seed: number, size: number): readonly AnyPolicy[] {
  const demo = [
    access.policy({ ...policies.readDocument.rules, name: "demo:read-document" }),
    access.policy({ ...policies.deleteDocument.rules, name: "demo:delete-document" }),
    access.policy({
      ...policies.orgDocument.rules,
      name: "demo:org-document",
      resource: { org: "orgId" },
    }),
    access.policy({
      ...policies.deleteOrgDocument.rules,
      name: "demo:delete-org-document",
      resource: { org: "orgId", owner: "ownerId", orgRoleOverride: "admin" },
    }),
  ] as unknown as AnyPolicy[];
  // The demo's rules name tenantId/ownerId, the harness table's keys too; org keys move to orgId.
  const rnd = random(seed);
  const generated: AnyPolicy[] = [];
  const maybe = (p: number) => rnd() < p;
  while (generated.length < size) {
    const withOrg = maybe(0.5);
    const resource: Record<string, unknown> = {};
    if (maybe(0.5)) resource.tenant = "tenantId";
    if (maybe(0.6)) resource.owner = "ownerId";
    if (withOrg && maybe(0.7)) resource.org = "orgId";
    if (resource.tenant === undefined && resource.owner === undefined && resource.org === undefined)
      resource.owner = "ownerId";
    if (resource.owner !== undefined && maybe(0.5))
      resource.ownerOverride = pick(rnd, ["admin", "member"]);
    if (resource.owner !== undefined && withOrg && maybe(0.6))
      resource.orgRoleOverride = pick(rnd, ["admin", "member"]);
    resource.conceal = pick(rnd, ["none", "cross-tenant", "all"]);
    const rules: Record<string, unknown> = { name: `generated-${generated.length}`, resource };
    if (maybe(0.3)) rules.role = pick(rnd, ["member", "admin"]);
    if (maybe(0.3)) rules.permission = pick(rnd, ["documents:read", "documents:delete-any"]);
    if (withOrg) {
      rules.org = maybe(0.5)
        ? { segment: "org", role: pick(rnd, ["member", "admin"]) }
        : { segment: "org", permission: pick(rnd, ["org:documents:read", "org:members:manage"]) };
    }
    generated.push(access.policy(rules as never) as unknown as AnyPolicy);
  }
  return [...demo, ...generated];
}

const kysely = new Kysely<Record<string, Record<string, unknown>>>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Kysely's SQL for a filter over the harness table, as text and parameters (run by the caller). */
export function kyselyQuery(filter: Filter): { sql: string; parameters: readonly unknown[] } {
  const compiled = kysely
    .selectFrom("diff_docs")
    .select("id")
    .where(
      kyselyWhere(filter, {
        columns: { tenantId: "tenant_id", ownerId: "owner_id", orgId: "org_id" },
      }),
    )
    .compile();
  return { sql: compiled.sql, parameters: compiled.parameters };
}

export interface DifferentialResult {
  readonly rows: number;
  readonly policies: number;
  readonly subjects: number;
  readonly cases: number;
  readonly allowedPairs: number;
  readonly disagreements: number;
}

/**
 * Runs every policy × subject × scope on `db` and compares. `runRaw` runs Kysely's compiled SQL on
 * the same database. Throws the first disagreement as a minimal counterexample.
 */
export async function runDifferential(
  db: AnyPgDb,
  rows: readonly Row[],
  family: readonly AnyPolicy[],
  runRaw: (sql: string, parameters: readonly unknown[]) => Promise<readonly { id: string }[]>,
): Promise<DifferentialResult> {
  let cases = 0;
  let allowedPairs = 0;
  for (const policy of family) {
    const lists = listFilter(policy);
    for (const [label, who] of SUBJECTS) {
      for (const scope of scopesOf(policy)) {
        cases++;
        const filter = lists.where(who, scope);
        const expected = rows.filter((r) => checkAllows(policy, who, r, scope)).map((r) => r.id);
        allowedPairs += expected.length;
        const where: SQL = drizzleWhere(filter, diffDocs);
        const viaDrizzle = (await db.select({ id: diffDocs.id }).from(diffDocs).where(where)).map(
          (r) => r.id,
        );
        const { sql: text, parameters } = kyselyQuery(filter);
        const viaKysely = (await runRaw(text, parameters)).map((r) => r.id);
        const viaMemory = rows.filter((r) => matches(filter, r)).map((r) => r.id);
        for (const [adapter, got] of [
          ["drizzle", viaDrizzle],
          ["kysely", viaKysely],
          ["in-memory matches()", viaMemory],
        ] as const) {
          const gotSet = new Set(got);
          const expectedSet = new Set(expected);
          const extra = got.find((id) => !expectedSet.has(id));
          const missing = expected.find((id) => !gotSet.has(id));
          const id = extra ?? missing;
          if (id !== undefined) {
            const row = rows.find((r) => r.id === id);
            throw new Error(
              [
                `list and check disagree (${adapter}): minimal counterexample`,
                `  policy:  ${policy.name} ${JSON.stringify(policy.rules)}`,
                `  subject: ${label} ${JSON.stringify(who)}`,
                `  scope:   ${JSON.stringify(scope)}`,
                `  row:     ${JSON.stringify(row)}`,
                `  check:   ${extra !== undefined ? "refuses" : "allows"}; list: ${extra !== undefined ? "returns it" : "omits it"}`,
                `  filter:  ${JSON.stringify(filter)}`,
              ].join("\n"),
            );
          }
        }
      }
    }
  }
  return {
    rows: rows.length,
    policies: family.length,
    subjects: SUBJECTS.length,
    cases,
    allowedPairs,
    disagreements: 0,
  };
}
