/** How the demo shows and accepts org members: the email next to the id, and the role names. */
import * as z from "zod";
import { access } from "../access";
import type { OrgMember } from "@/lib/authz";
import { demoUsers } from "./users";

/** An org role from client input: one of the declaration's org roles. */
export const orgRoleSchema = z.enum(access.orgRoles.names as [string, ...string[]]);

/** A member as the API answers it: `{ userId, email, role }` (email null for an unknown id). */
export function memberView(member: OrgMember) {
  const user = demoUsers.find((u) => u.id === member.userId);
  return { userId: member.userId, email: user?.email ?? null, role: member.role };
}
