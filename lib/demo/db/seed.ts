/**
 * The demo's seed (DESIGN §1.2 and §1.4): the documents, accounts and Better Auth's users every
 * fresh start and `npm run db:reset` restore. Creation times are fixed so "newest first" is the same on every run.
 */
import { demoMemberships } from "../users";
import { seedAccounts } from "./accounts";
import { seedBetterAuth } from "./better-auth-seed";
import { documents } from "./schema";
import type { DemoDb } from "./types";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute));

/** The seed documents, oldest first. */
export const SEED_DOCUMENTS = [
  { id: "doc-acme-1", title: "Acme roadmap", tenantId: "acme", ownerId: "user-bob" },
  { id: "doc-acme-2", title: "Acme board minutes", tenantId: "acme", ownerId: "user-alice" },
  { id: "doc-acme-3", title: "Acme onboarding guide", tenantId: "acme", ownerId: "user-bob" },
  { id: "doc-globex-1", title: "Globex pricing study", tenantId: "globex", ownerId: "user-carol" },
  { id: "doc-globex-2", title: "Globex hiring plan", tenantId: "globex", ownerId: "user-carol" },
  { id: "doc-globex-3", title: "Globex partner list", tenantId: "globex", ownerId: "user-dave" },
].map((d, i) => ({ ...d, createdAt: at(i) }));

/**
 * Replaces every document, account and membership with the seed, and Better Auth's users, orgs and
 * members with theirs (its sessions go).
 */
export async function seed(db: DemoDb): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(documents);
    await tx.insert(documents).values(SEED_DOCUMENTS);
  });
  await seedAccounts(db, demoMemberships);
  await seedBetterAuth(db);
}
