"use server";
/**
 * The org admin's member management on `/orgs/[org]`, as server actions guarded by the org-members
 * policy. The page binds its own `[org]` segment as the first argument; the caller's memberships
 * from the store decide, so an action naming another org gains nothing.
 */
import { revalidatePath } from "next/cache";
import { policies } from "@/lib/access";
import { demoAccounts } from "@/lib/demo/accounts";
import { orgRoleSchema } from "@/lib/demo/members";
import { authorizeAction } from "@/lib/guard";

/** What a member form shows after its action ran. */
export interface MemberActionState {
  readonly ok: boolean;
  readonly message: string | null;
}

const text = (formData: FormData, name: string): string => {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
};

/** Adds a member or changes a member's org role (`userId` and `role` from the form). */
export async function saveMember(
  org: string,
  _previous: MemberActionState,
  formData: FormData,
): Promise<MemberActionState> {
  const auth = await authorizeAction(policies.orgMembers, { org });
  if (!auth.ok) return { ok: false, message: auth.message };
  const userId = text(formData, "userId");
  const role = orgRoleSchema.safeParse(text(formData, "role"));
  if (!role.success || userId === "" || userId.length > 64)
    return { ok: false, message: "Choose a user and an org role." };
  const saved = await demoAccounts.setMembership(auth.subject.org.id, userId, role.data);
  if (!saved) return { ok: false, message: "Resource not found" };
  revalidatePath(`/orgs/${auth.subject.org.id}`);
  return { ok: true, message: `${userId} is now ${role.data} of ${auth.subject.org.id}.` };
}

/** Removes a member from the org. */
export async function removeMember(
  org: string,
  userId: string,
  _previous: MemberActionState,
): Promise<MemberActionState> {
  const auth = await authorizeAction(policies.orgMembers, { org });
  if (!auth.ok) return { ok: false, message: auth.message };
  const removed = await demoAccounts.removeMembership(auth.subject.org.id, userId);
  if (!removed) return { ok: false, message: "Resource not found" };
  revalidatePath(`/orgs/${auth.subject.org.id}`);
  return { ok: true, message: `${userId} was removed from ${auth.subject.org.id}.` };
}
