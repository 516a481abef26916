#!/usr/bin/env node
// `npm run db:reset`: migrates the demo database and restores its seed (DESIGN §1.2 and §1.4),
// Better Auth's tables included (its users, orgs and members; every session is signed out).
// With DATABASE_URL, the Postgres server every instance shares; without it there is nothing to
// reset: the embedded PGlite lives in each process's memory and is seeded at every start.
import { createRequire } from "node:module";
import path from "node:path";
import { importProjectModule } from "../lib/authz/tools/import-ts-node.mjs";

const root = path.resolve(import.meta.dirname, "..");
if (!process.env.DATABASE_URL?.trim()) {
  console.log(
    "DATABASE_URL is not set: the demo uses PGlite in memory, seeded at every start. Nothing to reset.",
  );
  process.exit(0);
}
const ts = createRequire(path.join(root, "package.json"))("typescript");
try {
  const db = await importProjectModule(ts, root, "lib/demo/db/client-node.ts");
  await db.resetDemoDb();
  await db.closeDemoDb();
  console.log(
    "The demo database at DATABASE_URL is migrated and holds the seed again: documents, accounts, Better Auth's users, orgs and members (its sessions are gone).",
  );
} catch (error) {
  console.error(`db:reset failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
