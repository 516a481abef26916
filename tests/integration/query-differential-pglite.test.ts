/**
 * Lists agree with the single check, on embedded PGlite: generated rows (traps included: null and
 * empty keys, unknown orgs, documents moved between orgs), every kind of subject, the demo's list
 * policies and a generated family; Drizzle's and Kysely's SQL both run on the real database.
 */
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  generateRows,
  loadRows,
  moveRows,
  policyFamily,
  runDifferential,
  type AnyPgDb,
  type Row,
} from "../support/list-differential";

const ROWS = 2000;
let client: PGlite;
let db: AnyPgDb;
const runRaw = async (text: string, parameters: readonly unknown[]) =>
  (await client.query<{ id: string }>(text, [...parameters])).rows;

beforeAll(async () => {
  client = new PGlite();
  db = drizzle(client) as unknown as AnyPgDb;
}, 120_000);
afterAll(async () => {
  await client?.close();
});

describe("list filters agree with the single check on PGlite", () => {
  it(`for ${ROWS} generated rows, every subject, the demo's policies and 24 generated ones`, async () => {
    const rows: Row[] = generateRows(ROWS, 22);
    await loadRows(db, rows);
    const family = policyFamily(7, 24);
    const result = await runDifferential(db, rows, family, runRaw);
    console.log("[differential pglite]", JSON.stringify(result));
    expect(result.cases).toBeGreaterThan(family.length * 5);
    expect(result.allowedPairs).toBeGreaterThan(0);

    // A document moved between orgs: yesterday's org no longer lists it, the new one does.
    const moved = rows
      .filter((r) => r.orgId === "acme")
      .slice(0, 50)
      .map((r) => r.id);
    await moveRows(db, rows, moved, "globex");
    const again = await runDifferential(db, rows, family.slice(0, 8), runRaw);
    expect(again.disagreements).toBe(0);
  }, 600_000);
});

describe("fields: the list selects what the single view keeps", () => {
  it("for every subject, the columns drizzleColumns selects equal pickFields of the loaded row", async () => {
    const { access } = await import("@/lib/access");
    const { listFilter } = await import("@/lib/authz/query/filter");
    const { pickFields } = await import("@/lib/authz/query/fields");
    const { drizzleColumns, drizzleWhere } = await import("@/lib/authz-drizzle");
    const { diffDocs, SUBJECTS } = await import("../support/list-differential");
    const policy = access.policy({
      name: "read-with-fields",
      permission: "documents:read",
      resource: { tenant: "tenantId" },
      fields: { member: ["id", "tenantId"], admin: "*" },
    });
    const lists = listFilter(policy);
    let compared = 0;
    for (const [label, who] of SUBJECTS) {
      const fields = lists.fields(who);
      const where = drizzleWhere(lists.where(who), diffDocs);
      if (Array.isArray(fields) && fields.length === 0) {
        expect(await db.select({ id: diffDocs.id }).from(diffDocs).where(where), label).toEqual([]);
        continue;
      }
      const listed = await db
        .select(drizzleColumns(diffDocs, fields))
        .from(diffDocs)
        .where(where)
        .orderBy(diffDocs.id);
      const loaded = await db.select().from(diffDocs).where(where).orderBy(diffDocs.id);
      expect(listed, label).toEqual(loaded.map((row) => pickFields(row, fields)));
      compared += listed.length;
    }
    expect(compared).toBeGreaterThan(0);
  }, 300_000);
});
