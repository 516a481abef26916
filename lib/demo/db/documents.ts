/**
 * The demo's document queries over Drizzle: one row, one delete, and one page of a list whose
 * WHERE clause is the kit's filter (lib/authz/query): nothing is loaded and then dropped in code.
 */
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { Filter } from "../../authz/query/filter";
import { drizzleWhere } from "../../authz-drizzle";
import { documents } from "./schema";
import type { DemoDb } from "./types";

/** A demo document as the API shows it: owned by one user, inside one tenant (its org). */
export interface DemoDocument {
  readonly id: string;
  readonly title: string;
  readonly tenantId: string;
  readonly ownerId: string;
}

/** Where a page starts: after the row with this creation time and id (newest first). */
export interface Cursor {
  readonly createdAt: Date;
  readonly id: string;
}

/** One page of a list and the cursor of the next (null on the last page). */
export interface DocumentPage {
  readonly documents: readonly DemoDocument[];
  readonly nextCursor: string | null;
}

const view = {
  id: documents.id,
  title: documents.title,
  tenantId: documents.tenantId,
  ownerId: documents.ownerId,
};

/** The cursor as an opaque string: base64url of `<ms>.<id>`. */
export function encodeCursor(cursor: Cursor): string {
  const raw = `${cursor.createdAt.getTime()}.${cursor.id}`;
  return Buffer.from(raw, "utf8").toString("base64url");
}

/** A cursor string back to its position, or null when it is not one this module wrote. */
export function decodeCursor(text: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return null;
  const raw = Buffer.from(text, "base64url").toString("utf8");
  const match = /^(\d{1,15})\.(.{1,64})$/s.exec(raw);
  if (!match) return null;
  const createdAt = new Date(Number(match[1]));
  if (Number.isNaN(createdAt.getTime())) return null;
  if (encodeCursor({ createdAt, id: match[2]! }) !== text) return null;
  return { createdAt, id: match[2]! };
}

/** One document by id, or null. */
export async function getDocument(db: DemoDb, id: string): Promise<DemoDocument | null> {
  const [row] = await db.select(view).from(documents).where(eq(documents.id, id)).limit(1);
  return row ?? null;
}

/** Deletes one document; whether it existed. */
export async function deleteDocument(db: DemoDb, id: string): Promise<boolean> {
  const deleted = await db
    .delete(documents)
    .where(eq(documents.id, id))
    .returning({ id: documents.id });
  return deleted.length > 0;
}

/**
 * One page of the documents a filter allows, newest first (creation time, then id, both
 * descending: a stable order), in one query: `limit + 1` rows tell whether another page follows.
 */
export async function documentPage(
  db: DemoDb,
  filter: Filter,
  page: { readonly limit: number; readonly cursor?: Cursor | null },
): Promise<DocumentPage> {
  const conditions: SQL[] = [drizzleWhere(filter, documents)];
  if (page.cursor) {
    const after = or(
      lt(documents.createdAt, page.cursor.createdAt),
      and(eq(documents.createdAt, page.cursor.createdAt), lt(documents.id, page.cursor.id)),
    );
    if (after) conditions.push(after);
  }
  const rows = await db
    .select({ ...view, createdAt: documents.createdAt })
    .from(documents)
    .where(and(...conditions))
    .orderBy(desc(documents.createdAt), desc(documents.id))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown[shown.length - 1];
  return {
    documents: shown.map((row) => ({
      id: row.id,
      title: row.title,
      tenantId: row.tenantId,
      ownerId: row.ownerId,
    })),
    nextCursor: more && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}
