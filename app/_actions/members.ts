"use server";
/**
 * The org admin's member management on `/orgs/[org]`, as server actions guarded by the org-members
 * policy. The page binds its own `[org]` segment as the first argument (`save.bind(null, org)`);
 * the caller's memberships from the store decide, so an action naming another org gains nothing.
 */
import { revalidatePath } from "next/cache";
import * as z from "zod";
import { policies } from "@/lib/access";
import { demoAccounts } from "@/lib/demo/accounts";
import { lastAdminRefusal, orgRoleSchema } from "@/lib/demo/members";
import { actionRefusal } from "@/lib/authz/action";
import { withAuthorizationAction } from "@/lib/authz-node";

const userId = z.string().min(1).max(64);
const org = (args: readonly unknown[]) => args[0];

/** Adds a member or changes a member's org role (`userId` and `role` from the form). */
export const saveMember = withAuthorizationAction(
  policies.orgMembers,
  { org, input: z.object({ userId, role: orgRoleSchema }) },
  async (input, { subject }) => {
    let saved: boolean;
    try {
      saved = await demoAccounts.setMembership(subject.org.id, input.userId, input.role);
    } catch (error) {
      // The org's last admin cannot be demoted: the kit's 409 refusal, as the form shows refusals.
      return actionRefusal(lastAdminRefusal(error));
    }
    if (!saved) return { ok: false, message: "Resource not found" };
    revalidatePath(`/orgs/${subject.org.id}`);
    return { ok: true, message: `${input.userId} is now ${input.role} of ${subject.org.id}.` };
  },
);

/** Removes a member from the org (`userId` from the form). */
export const removeMember = withAuthorizationAction(
  policies.orgMembers,
  { org, input: z.object({ userId }) },
  async (input, { subject }) => {
    let removed: boolean;
    try {
      removed = await demoAccounts.removeMembership(subject.org.id, input.userId);
    } catch (error) {
      return actionRefusal(lastAdminRefusal(error));
    }
    if (!removed) return { ok: false, message: "Resource not found" };
    revalidatePath(`/orgs/${subject.org.id}`);
    return { ok: true, message: `${input.userId} was removed from ${subject.org.id}.` };
  },
);
