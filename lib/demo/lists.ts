/**
 * The demo's lists, built from the same policies as the single checks (lib/access.ts): each
 * filter's WHERE clause is what `checkResource` would allow, row by row, for that subject.
 */
import * as z from "zod";
import { policies } from "@/lib/access";
import { listFilter } from "@/lib/authz/query/filter";
import type { FieldIssue } from "@/lib/authz/decide/schema";
import { decodeCursor, type Cursor } from "./db/documents";

/** The documents `GET /api/documents/[id]` (read) and `DELETE` (delete) would allow. */
export const documentLists = {
  read: listFilter(policies.readDocument),
  delete: listFilter(policies.deleteDocument),
  /** An org's documents, as `GET /api/orgs/[org]/documents/[id]` would allow them. */
  org: listFilter(policies.orgDocument),
};

/** Default and largest page size of every list. */
export const PAGE_LIMIT = { default: 20, max: 100 } as const;

const single = (name: string) =>
  z
    .array(z.string())
    .max(1, `${name} may be given once`)
    .transform((values) => values[0]);

const listQuery = z.object({
  can: single("can").pipe(z.enum(["read", "delete"]).default("read")),
  limit: single("limit").pipe(
    z
      .string()
      .regex(/^\d{1,3}$/, "limit must be a whole number from 1 to 100")
      .transform(Number)
      .pipe(z.number().int().min(1).max(PAGE_LIMIT.max))
      .default(PAGE_LIMIT.default),
  ),
  cursor: single("cursor").pipe(z.string().min(1).max(400).optional()),
});

/** A list request's query: what to list, how many, from where. */
export interface ListQuery {
  readonly can: "read" | "delete";
  readonly limit: number;
  readonly cursor: Cursor | null;
}

/**
 * Parses `?can=`, `?limit=` and `?cursor=` (each at most once; other parameters change nothing),
 * or the issues of a 400.
 */
export function parseListQuery(
  url: string,
):
  | { readonly ok: true; readonly value: ListQuery }
  | { readonly ok: false; readonly issues: FieldIssue[] } {
  const params = new URL(url).searchParams;
  const parsed = listQuery.safeParse({
    can: params.getAll("can"),
    limit: params.getAll("limit"),
    cursor: params.getAll("cursor"),
  });
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      })),
    };
  }
  const { can, limit, cursor } = parsed.data;
  if (cursor === undefined) return { ok: true, value: { can, limit, cursor: null } };
  const position = decodeCursor(cursor);
  if (position === null)
    return {
      ok: false,
      issues: [{ path: "cursor", message: "cursor is not one this API returned" }],
    };
  return { ok: true, value: { can, limit, cursor: position } };
}
