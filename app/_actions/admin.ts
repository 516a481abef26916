"use server";
/** The admin page's server actions: each one a public POST endpoint, so each runs its policy. */
import { revalidatePath } from "next/cache";
import * as z from "zod";
import { policies } from "@/lib/access";
import { userStore } from "@/lib/demo/store";
import { withAuthorizationAction } from "@/lib/authz-node";

/** What the delete form shows after a delete that went through. */
export interface Deleted {
  readonly ok: true;
  readonly deleted: string;
}

/**
 * Deletes a user of the admin's own tenant (the policy's resource rule on the loaded user).
 * Another tenant's user is refused exactly like one that does not exist.
 */
export const deleteUserAction = withAuthorizationAction(
  policies.manageUser,
  {
    input: z.object({ id: z.string().min(1).max(64) }),
    load: ({ input }) => userStore.get(input.id),
  },
  async (_input, { resource }): Promise<Deleted> => {
    await userStore.delete(resource.id);
    revalidatePath("/admin");
    return { ok: true, deleted: resource.id };
  },
);
