import type { Filter } from "../authz/query/filter";
import { demoAccounts } from "./accounts";
import { demoDb, resetDemoDb } from "./db/client-node";
import {
  deleteDocument,
  documentPage,
  getDocument,
  type Cursor,
  type DemoDocument,
  type DocumentPage,
} from "./db/documents";
import { demoUsers, type DemoUser } from "./users";

export type { DemoDocument } from "./db/documents";

// Documents live in the demo database (lib/demo/db): PGlite in memory by default, reset on
// restart, or the Postgres server at DATABASE_URL, shared by every instance.
export const documentStore = {
  get: async (id: string): Promise<DemoDocument | null> => getDocument(await demoDb(), id),
  delete: async (id: string): Promise<boolean> => deleteDocument(await demoDb(), id),
  /** One page of the documents `filter` (the kit's list filter) allows, newest first. */
  page: async (
    filter: Filter,
    page: { readonly limit: number; readonly cursor?: Cursor | null },
  ): Promise<DocumentPage> => documentPage(await demoDb(), filter, page),
  /** Restores the seed documents. */
  reset: (): Promise<void> => resetDemoDb(),
};

const users = new Map<string, DemoUser>(demoUsers.map((u) => [u.id, u]));

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
