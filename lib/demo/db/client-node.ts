/**
 * NODE.JS RUNTIME ONLY (never imported by middleware.ts). The demo's database: a Postgres server
 * when DATABASE_URL is set (driver `pg`, shared by every instance), else PGlite embedded in memory,
 * migrated and seeded at first use, so `npm run dev` needs no setup. One instance per process,
 * kept on globalThis so dev reloads and test module resets reuse it (PGlite takes seconds to start).
 */
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate } from "./migrate";
import { schema } from "./schema";
import { seed } from "./seed";
import type { DemoDb } from "./types";

export type { DemoDb } from "./types";

interface Held {
  readonly url: string | undefined;
  readonly db: Promise<DemoDb>;
  readonly close: () => Promise<void>;
}

const KEY = Symbol.for("next-authz-kit.demo-db");
const holder = globalThis as typeof globalThis & { [KEY]?: Held };

async function open(url: string | undefined): Promise<Held> {
  if (url) {
    const { Pool } = await import("pg");
    const pool = new Pool({ connectionString: url, max: 5 });
    const db = drizzlePg(pool, { schema });
    await migrate(db);
    return { url, db: Promise.resolve(db), close: () => pool.end() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const client = new PGlite();
  const db = drizzlePglite(client, { schema });
  await migrate(db);
  await seed(db);
  return { url, db: Promise.resolve(db), close: () => client.close() };
}

/**
 * The demo's Drizzle database (the one Better Auth's Drizzle adapter can share): opened, migrated
 * and (PGlite) seeded on first call, the same instance afterwards.
 *
 * @example
 * const rows = await (await demoDb()).select().from(documents);
 */
export function demoDb(): Promise<DemoDb> {
  const url = process.env.DATABASE_URL?.trim() || undefined;
  const held = holder[KEY];
  if (held && held.url === url) return held.db;
  const opening = open(url);
  const db = opening.then((h) => h.db);
  holder[KEY] = {
    url,
    db,
    close: () => opening.then((h) => h.close()),
  };
  // A failed open is not kept: the next call tries again (and every caller of this one fails).
  db.catch(() => {
    if (holder[KEY]?.db === db) delete holder[KEY];
  });
  return db;
}

/** Closes the demo database (tests and scripts); the next `demoDb()` opens a fresh one. */
export async function closeDemoDb(): Promise<void> {
  const held = holder[KEY];
  delete holder[KEY];
  if (held) await held.close().catch(() => undefined);
}

/** Restores the seed: every document as DESIGN §1.2 and §1.4 list them, nothing else. */
export async function resetDemoDb(): Promise<void> {
  await seed(await demoDb());
}
