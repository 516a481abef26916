/**
 * GET /api/documents and GET /api/orgs/[org]/documents (DESIGN §1.9), called handler by handler
 * with real Auth.js cookies on the demo database (PGlite): the list is exactly the documents the
 * single endpoints allow, newest first, paged by a stable cursor; bad query values are 400s.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEMO_CLAIMS } from "../support/demo-sessions";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";

const SECRET = "documents-list-integration-secret-0123456789abcdef";
type Who = "anonymous" | keyof typeof DEMO_CLAIMS;
const WHO: readonly Who[] = ["anonymous", "alice", "bob", "carol", "dave"];
const cookies = {} as Record<Who, string | undefined>;

async function loadDemo() {
  vi.resetModules();
  vi.stubEnv("AUTH_SECRET", SECRET);
  vi.stubEnv("REDIS_URL", undefined);
  vi.stubEnv("DATABASE_URL", undefined);
  const [list, single, orgList, orgSingle, store, db, schema] = await Promise.all([
    import("@/app/api/documents/route"),
    import("@/app/api/documents/[id]/route"),
    import("@/app/api/orgs/[org]/documents/route"),
    import("@/app/api/orgs/[org]/documents/[id]/route"),
    import("@/lib/demo/store"),
    import("@/lib/demo/db/client-node"),
    import("@/lib/demo/db/schema"),
  ]);
  return { list, single, orgList, orgSingle, store, db, schema };
}
let demo: Awaited<ReturnType<typeof loadDemo>>;

interface Doc {
  id: string;
  title: string;
  tenantId: string;
  ownerId: string;
  createdAt: Date;
}
// Beyond the seed: more documents across tenants and owners, some created in the same millisecond
// (the id breaks the tie), so pages and order are really exercised.
const EXTRA: Doc[] = Array.from({ length: 40 }, (_, i) => ({
  id: `doc-extra-${String(i).padStart(2, "0")}`,
  title: `Extra ${i}`,
  tenantId: ["acme", "globex", "initech"][i % 3]!,
  ownerId: ["user-alice", "user-bob", "user-carol", "user-dave"][i % 4]!,
  createdAt: new Date(Date.UTC(2026, 1, 1, 0, Math.floor(i / 3))),
}));

async function seedWithExtra() {
  await demo.store.documentStore.reset();
  const db = await demo.db.demoDb();
  await db.insert(demo.schema.documents).values(EXTRA);
}
async function allRows(): Promise<Doc[]> {
  const db = await demo.db.demoDb();
  return (await db.select().from(demo.schema.documents)) as Doc[];
}
const newestFirst = (a: Doc, b: Doc) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const get = (path: string, who: Who) =>
  demo.list.GET(requestFor(path, { cookie: cookies[who] }), routeContext());

/** Every page of a list, following nextCursor. */
async function everyPage(who: Who, query: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const path: string = `/api/documents?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`;
    const response = await get(path, who);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      documents: { id: string }[];
      nextCursor: string | null;
    };
    expect(body.documents.length).toBeLessThanOrEqual(limit);
    ids.push(...body.documents.map((d) => d.id));
    cursor = body.nextCursor;
    pages++;
  } while (cursor !== null && pages < 100);
  return ids;
}

beforeAll(async () => {
  for (const who of ["alice", "bob", "carol", "dave"] as const)
    cookies[who] = await sessionCookie(DEMO_CLAIMS[who], { secret: SECRET });
  demo = await loadDemo();
}, 120_000);
beforeEach(seedWithExtra);
afterAll(() => vi.unstubAllEnvs());

describe("GET /api/documents", () => {
  it("anonymous: 401", async () => {
    expect((await get("/api/documents", "anonymous")).status).toBe(401);
  });

  it.each(WHO.filter((w) => w !== "anonymous"))(
    "%s: exactly the documents GET /api/documents/[id] answers 200, newest first, over every page",
    async (who) => {
      const rows = (await allRows()).sort(newestFirst);
      const readable: string[] = [];
      for (const row of rows) {
        const response = await demo.single.GET(
          requestFor(`/api/documents/${row.id}`, { cookie: cookies[who] }),
          routeContext({ id: row.id }),
        );
        if (response.status === 200) readable.push(row.id);
        else expect(response.status).toBe(404);
      }
      expect(readable.length).toBeGreaterThan(0);
      expect(await everyPage(who, "", 7)).toEqual(readable);
      // Query parameters the API does not know change nothing (the tenant is the session's).
      expect(await everyPage(who, "&tenant=globex&org=globex", 100)).toEqual(readable);
    },
  );

  it.each(WHO.filter((w) => w !== "anonymous"))(
    "%s: ?can=delete is exactly the documents DELETE /api/documents/[id] would delete",
    async (who) => {
      const listed = await everyPage(who, "&can=delete", 9);
      const rows = (await allRows()).sort(newestFirst);
      const deletable: string[] = [];
      const db = await demo.db.demoDb();
      for (const row of rows) {
        const response = await demo.single.DELETE(
          requestFor(`/api/documents/${row.id}`, { method: "DELETE", cookie: cookies[who] }),
          routeContext({ id: row.id }),
        );
        if (response.status === 204) {
          deletable.push(row.id);
          await db.insert(demo.schema.documents).values(row); // put it back for the next one
        } else expect([403, 404]).toContain(response.status);
      }
      expect(listed).toEqual(deletable);
    },
  );

  it("one query per page: the WHERE does the filtering, no row is loaded and then dropped", async () => {
    const db = (await demo.db.demoDb()) as unknown as {
      $client: { query: (...args: unknown[]) => Promise<{ rows: unknown[] }> };
    };
    const spy = vi.spyOn(db.$client, "query");
    try {
      for (const who of ["bob", "carol"] as const) {
        spy.mockClear();
        const response = await get("/api/documents?limit=5&can=delete", who);
        const body = (await response.json()) as {
          documents: unknown[];
          nextCursor: string | null;
        };
        expect(spy).toHaveBeenCalledTimes(1);
        // The page's rows, plus one when a next page exists (limit + 1 tells): nothing dropped.
        const result = (await spy.mock.results[0]!.value) as { rows: unknown[] };
        expect(result.rows.length).toBe(body.documents.length + (body.nextCursor ? 1 : 0));
      }
    } finally {
      spy.mockRestore();
    }
  });

  it("the cursor is stable: rows added before or deleted behind it neither repeat nor vanish", async () => {
    const first = (await (await get("/api/documents?limit=5", "alice")).json()) as {
      documents: { id: string }[];
      nextCursor: string;
    };
    const db = await demo.db.demoDb();
    await db.insert(demo.schema.documents).values({
      id: "doc-newest",
      title: "Newest",
      tenantId: "acme",
      ownerId: "user-bob",
      createdAt: new Date(Date.UTC(2027, 0, 1)),
    });
    await demo.store.documentStore.delete(first.documents[0]!.id);
    const rest = await (async () => {
      const ids: string[] = [];
      let cursor: string | null = first.nextCursor;
      while (cursor) {
        const body = (await (
          await get(`/api/documents?limit=5&cursor=${cursor}`, "alice")
        ).json()) as { documents: { id: string }[]; nextCursor: string | null };
        ids.push(...body.documents.map((d) => d.id));
        cursor = body.nextCursor;
      }
      return ids;
    })();
    const expected = (await allRows())
      .filter((r) => r.tenantId === "acme" && r.id !== "doc-newest")
      .sort(newestFirst)
      .map((r) => r.id)
      .filter((id) => !first.documents.some((d) => d.id === id));
    expect(rest).toEqual(expected);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["limit=1.5", "limit"],
    ["limit=1&limit=2", "limit"],
    ["can=write", "can"],
    ["can=delete&can=read", "can"],
    ["cursor=", "cursor"],
    ["cursor=not-a-cursor", "cursor"],
    [`cursor=${Buffer.from("soon.doc-acme-1", "utf8").toString("base64url")}`, "cursor"],
    [`cursor=${Buffer.from("1767603600000", "utf8").toString("base64url")}`, "cursor"],
  ])("?%s: 400 with the issue on %s", async (query, path) => {
    const response = await get(`/api/documents?${query}`, "bob");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; issues: { path: string }[] };
    expect(body.code).toBe("invalid_request");
    expect(body.issues.map((i) => i.path)).toContain(path);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("a deleted account's session lists nothing: 401", async () => {
    // Bob, a member: deleting globex's only admin (dave) is refused, orgs keep an admin.
    await demo.store.userStore.delete("user-bob");
    try {
      expect((await get("/api/documents", "bob")).status).toBe(401);
    } finally {
      demo.store.userStore.reset();
    }
  });
});

describe("GET /api/orgs/[org]/documents pages the same way", () => {
  it.each(WHO.filter((w) => w !== "anonymous"))(
    "%s: each org's list is exactly what GET .../documents/[id] allows, newest first",
    async (who) => {
      for (const org of ["acme", "globex", "initech"]) {
        const rows = (await allRows()).sort(newestFirst);
        const allowed: string[] = [];
        for (const row of rows) {
          const response = await demo.orgSingle.GET(
            requestFor(`/api/orgs/${org}/documents/${row.id}`, { cookie: cookies[who] }),
            routeContext({ org, id: row.id }),
          );
          if (response.status === 200) allowed.push(row.id);
        }
        const ids: string[] = [];
        let cursor: string | null = null;
        let status = 0;
        do {
          const response = await demo.orgList.GET(
            requestFor(`/api/orgs/${org}/documents?limit=4${cursor ? `&cursor=${cursor}` : ""}`, {
              cookie: cookies[who],
            }),
            routeContext({ org }),
          );
          status = response.status;
          if (status !== 200) break;
          const body = (await response.json()) as {
            org: string;
            documents: { id: string }[];
            nextCursor: string | null;
          };
          expect(body.org).toBe(org);
          ids.push(...body.documents.map((d) => d.id));
          cursor = body.nextCursor;
        } while (cursor);
        if (status === 404) expect(allowed).toEqual([]);
        else expect(ids).toEqual(allowed);
      }
    },
  );
});
