/** How the demo shows and accepts org members: the email next to the id, and the role names. */
import * as z from "zod";
import { access } from "../access";
import { LastOrgAdminError, lastOrgAdmin, type Deny, type OrgMember } from "@/lib/authz";
import { demoUsers } from "./users";

/** An org role from client input: one of the declaration's org roles. */
export const orgRoleSchema = z.enum(access.orgRoles.names as [string, ...string[]]);

/** A member as the API answers it: `{ userId, email, role }` (email null for an unknown id). */
export function memberView(member: OrgMember) {
  const user = demoUsers.find((u) => u.id === member.userId);
  return { userId: member.userId, email: user?.email ?? null, role: member.role };
}

/**
 * The kit's 409 `last_org_admin` for a change the account store refused because an org would be
 * left without an admin; any other error is rethrown (a store that is down stays a failure).
 */
export function lastAdminRefusal(error: unknown): Deny {
  if (error instanceof LastOrgAdminError) return lastOrgAdmin(error.org);
  throw error;
}
