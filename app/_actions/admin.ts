"use server";
/** The admin page's server actions: each one a public POST endpoint, so each runs its policy. */
import { revalidatePath } from "next/cache";
import * as z from "zod";
import { policies } from "@/lib/access";
import { actionRefusal, type ActionRefusal } from "@/lib/authz/action";
import { notFound } from "@/lib/authz";
import { userStore } from "@/lib/demo/store";
import { withAuthorizationAction } from "@/lib/guard";

/** What the delete form shows after a delete that went through. */
export interface Deleted {
  readonly ok: true;
  readonly deleted: string;
}

/** Deletes a user (role admin). Refusals come back as data for the form; nothing is thrown. */
export const deleteUserAction = withAuthorizationAction(
  policies.admin,
  { input: z.object({ id: z.string().min(1).max(64) }) },
  async ({ id }): Promise<Deleted | ActionRefusal> => {
    // The same 404 the API gives for an unknown id.
    if (!(await userStore.delete(id))) return actionRefusal(notFound());
    revalidatePath("/admin");
    return { ok: true, deleted: id };
  },
);
