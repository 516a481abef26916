"use server";
/** The admin page's server actions: each one a public POST endpoint, so each runs its policy. */
import { revalidatePath } from "next/cache";
import * as z from "zod";
import { policies } from "@/lib/access";
import { lastAdminRefusal } from "@/lib/demo/members";
import { userStore } from "@/lib/demo/store";
import { actionRefusal } from "@/lib/authz/action";
import { withAuthorizationAction } from "@/lib/authz-node";

/** What the delete form shows after a delete that went through. */
export interface Deleted {
  readonly ok: true;
  readonly deleted: string;
}

/**
 * Deletes a user of the admin's own tenant (the policy's resource rule on the loaded user).
 * Another tenant's user is refused exactly like one that does not exist; the last admin of an org
 * is refused 409 `last_org_admin` (name another admin of that org first).
 */
export const deleteUserAction = withAuthorizationAction(
  policies.manageUser,
  {
    input: z.object({ id: z.string().min(1).max(64) }),
    load: ({ input }) => userStore.get(input.id),
  },
  async (_input, { resource }) => {
    try {
      await userStore.delete(resource.id);
    } catch (error) {
      return actionRefusal(lastAdminRefusal(error));
    }
    revalidatePath("/admin");
    return { ok: true, deleted: resource.id } satisfies Deleted;
  },
);
