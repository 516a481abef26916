import { demoAccounts } from "./accounts";
import { demoUsers, type DemoUser } from "./users";

/** A demo document: owned by one user, inside one tenant (which is also its organization). */
export interface DemoDocument {
  readonly id: string;
  readonly title: string;
  readonly tenantId: string;
  readonly ownerId: string;
}

const seedDocuments: readonly DemoDocument[] = [
  { id: "doc-acme-1", title: "Acme roadmap", tenantId: "acme", ownerId: "user-bob" },
  { id: "doc-acme-2", title: "Acme board minutes", tenantId: "acme", ownerId: "user-alice" },
  { id: "doc-acme-3", title: "Acme onboarding guide", tenantId: "acme", ownerId: "user-bob" },
  { id: "doc-globex-1", title: "Globex pricing study", tenantId: "globex", ownerId: "user-carol" },
  { id: "doc-globex-2", title: "Globex hiring plan", tenantId: "globex", ownerId: "user-carol" },
  { id: "doc-globex-3", title: "Globex partner list", tenantId: "globex", ownerId: "user-dave" },
];

// In memory on purpose: the demo resets on restart (its seed data is the contract), and serverless instances each
// hold their own copy, so a delete on Vercel shows on the instance that served it.
const documents = new Map(seedDocuments.map((d) => [d.id, d]));
const users = new Map<string, DemoUser>(demoUsers.map((u) => [u.id, u]));

export const documentStore = {
  get: async (id: string): Promise<DemoDocument | null> => documents.get(id) ?? null,
  listByTenant: async (tenantId: string): Promise<readonly DemoDocument[]> =>
    [...documents.values()].filter((d) => d.tenantId === tenantId),
  delete: async (id: string): Promise<boolean> => documents.delete(id),
  reset: (): void => {
    documents.clear();
    for (const d of seedDocuments) documents.set(d.id, d);
  },
};

export const userStore = {
  /** The users of one tenant: an admin manages its own tenant's users only. */
  list: async (tenant: string): Promise<readonly DemoUser[]> =>
    [...users.values()].filter((u) => u.tenant === tenant),
  get: async (id: string): Promise<DemoUser | null> => users.get(id) ?? null,
  /**
   * Deletes the user and their account in the shared store, so their session stops working. The
   * account goes first: the store refuses (LastOrgAdminError) when the user is an org's last admin,
   * and then nothing is deleted.
   */
  delete: async (id: string): Promise<boolean> => {
    const revoked = await demoAccounts.removeAccount(id);
    const listed = users.delete(id);
    return listed || revoked;
  },
  reset: (): void => {
    users.clear();
    for (const u of demoUsers) users.set(u.id, u);
    demoAccounts.reset();
  },
};
