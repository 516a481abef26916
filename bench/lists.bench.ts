/**
 * Lists from policies on embedded PGlite: the demo's filtered list query (the kit's filter through
 * the Drizzle adapter) against the same query written by hand (`where tenant_id = $1`), in
 * alternating rounds, and the cost of building the filter and its Drizzle `where`. Target: the
 * filtered query at least 0.95 of the hand-written one's throughput, the filter in a few µs.
 *
 * Loaded by the bench runner with Vite's `runnerImport('bench/lists.bench.ts')`.
 */
import { PGlite } from "@electric-sql/pglite";
import { desc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { drizzleWhere } from "../lib/authz-drizzle";
import { documentLists } from "../lib/demo/lists";
import { migrate } from "../lib/demo/db/migrate";
import { documents, schema } from "../lib/demo/db/schema";

export interface ListsBenchResult {
  readonly filteredQps: number;
  readonly handWrittenQps: number;
  /** Median over rounds of filtered / hand-written queries per second. */
  readonly ratio: number;
  /** Building the filter tree for a subject, µs per call. */
  readonly filterBuildUs: number;
  /** Building the filter tree and its Drizzle `where`, µs per call. */
  readonly filterAndWhereUs: number;
}

const member = { id: "user-7", roles: ["member"] as const, tenant: "tenant-7" };

/** Queries per second of `run` for `ms`. */
async function qps(run: () => Promise<unknown>, ms: number): Promise<number> {
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    await run();
    count++;
  }
  return (count * 1000) / (performance.now() - started);
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the lists bench: `rows` documents over 50 tenants, `rounds` alternating rounds of `ms`. */
export async function benchLists(
  options: { rows?: number; rounds?: number; ms?: number } = {},
): Promise<ListsBenchResult> {
  const { rows = 20_000, rounds = 6, ms = 1_000 } = options;
  const client = new PGlite();
  try {
    const db = drizzle(client, { schema });
    await migrate(db);
    await db.execute(
      sql.raw(`insert into documents (id, title, tenant_id, owner_id, created_at)
      select 'gen-' || g, 'Generated ' || g, 'tenant-' || (g % 50), 'user-' || (g % 40),
             timestamp '2026-01-01' + g * interval '1 second'
      from generate_series(1, ${Math.floor(rows)}) g`),
    );
    await db.execute(sql.raw("analyze documents"));
    const columns = { id: documents.id, title: documents.title, ownerId: documents.ownerId };
    const page = (where: ReturnType<typeof drizzleWhere>) =>
      db
        .select(columns)
        .from(documents)
        .where(where)
        .orderBy(desc(documents.createdAt), desc(documents.id))
        .limit(21);
    // The whole of what the route does per request: build the filter, then query.
    const filtered = () => page(drizzleWhere(documentLists.read.where(member), documents));
    const handWritten = () => page(eq(documents.tenantId, member.tenant));
    const a = await filtered();
    const b = await handWritten();
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error("the two queries disagree");

    const ratios: number[] = [];
    const f: number[] = [];
    const h: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so drift over the run favours neither.
      const first = round % 2 === 0;
      const x = first ? await qps(filtered, ms) : 0;
      const y = await qps(handWritten, ms);
      const z = first ? x : await qps(filtered, ms);
      f.push(z);
      h.push(y);
      ratios.push(z / y);
    }

    const N = 200_000;
    for (let i = 0; i < 20_000; i++) documentLists.read.where(member); // warm-up (JIT)
    let started = performance.now();
    for (let i = 0; i < N; i++) documentLists.read.where(member);
    const filterBuildUs = ((performance.now() - started) * 1000) / N;
    started = performance.now();
    for (let i = 0; i < N / 10; i++) drizzleWhere(documentLists.read.where(member), documents);
    const filterAndWhereUs = ((performance.now() - started) * 1000) / (N / 10);

    return {
      filteredQps: median(f),
      handWrittenQps: median(h),
      ratio: median(ratios),
      filterBuildUs,
      filterAndWhereUs,
    };
  } finally {
    await client.close();
  }
}
