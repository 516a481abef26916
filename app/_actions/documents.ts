"use server";
/** The dashboard's server actions: each one a public POST endpoint, so each runs its policy. */
import { revalidatePath } from "next/cache";
import * as z from "zod";
import { policies } from "@/lib/access";
import { documentStore } from "@/lib/demo/store";
import { withAuthorizationAction } from "@/lib/authz-node";
import type { Deleted } from "./admin";

/**
 * Deletes a document: its owner, or an admin of its tenant (the policy's resource rule on the
 * loaded document). Another tenant's document is refused exactly like one that does not exist.
 */
export const deleteDocumentAction = withAuthorizationAction(
  policies.deleteDocument,
  {
    input: z.object({ id: z.string().min(1).max(64) }),
    load: ({ input }) => documentStore.get(input.id),
  },
  async (_input, { resource }): Promise<Deleted> => {
    await documentStore.delete(resource.id);
    revalidatePath("/dashboard");
    return { ok: true, deleted: resource.id };
  },
);
