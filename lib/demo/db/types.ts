/** The demo database's type: a Drizzle Postgres database over the demo schema (PGlite or pg). */
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { schema } from "./schema";

/** The Drizzle instance `demoDb()` resolves to, whichever driver is underneath. */
export type DemoDb = PgDatabase<PgQueryResultHKT, typeof schema>;
