import * as z from "zod";
import { policies } from "@/lib/access";
import { notFound } from "@/lib/authz";
import { demoAccounts } from "@/lib/demo/accounts";
import { lastAdminRefusal, memberView, orgRoleSchema } from "@/lib/demo/members";
import { authz, withAuthorization } from "@/lib/authz-node";

const params = z.object({ org: z.string(), userId: z.string().min(1).max(64) });
const body = z.object({ role: orgRoleSchema }).strict();

/**
 * Adds a member or changes their org role (an admin may make another admin); 404 for a user with
 * no account; 409 `last_org_admin` for a demotion of the org's last admin.
 */
export const PUT = withAuthorization(
  policies.orgMembers,
  { params, body },
  async (request, { subject, params, body }) => {
    let changed: boolean;
    try {
      changed = await demoAccounts.setMembership(subject.org.id, params.userId, body.role);
    } catch (error) {
      return authz.denialResponse(lastAdminRefusal(error), request);
    }
    if (!changed) return authz.denialResponse(notFound(), request);
    return Response.json({ member: memberView({ userId: params.userId, role: body.role }) });
  },
);

/** Removes a membership; 404 when the user is not a member of this org; 409 for its last admin. */
export const DELETE = withAuthorization(
  policies.orgMembers,
  { params },
  async (request, { subject, params }) => {
    let removed: boolean;
    try {
      removed = await demoAccounts.removeMembership(subject.org.id, params.userId);
    } catch (error) {
      return authz.denialResponse(lastAdminRefusal(error), request);
    }
    if (!removed) return authz.denialResponse(notFound(), request);
    return new Response(null, { status: 204 });
  },
);
