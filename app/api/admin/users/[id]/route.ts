import * as z from "zod";
import { policies } from "@/lib/access";
import { lastAdminRefusal } from "@/lib/demo/members";
import { userStore } from "@/lib/demo/store";
import { authz, withAuthorization } from "@/lib/authz-node";

const params = z.object({ id: z.string().min(1).max(64) });

// The user is loaded and checked against the admin's tenant by the kit: an unknown id and another
// tenant's user answer the same 404. The last admin of an org is a 409 (`last_org_admin`): the org
// would be left with nobody to manage it.
export const DELETE = withAuthorization(
  policies.manageUser,
  { params, load: ({ params }) => userStore.get(params.id) },
  async (request, { resource }) => {
    try {
      await userStore.delete(resource.id);
    } catch (error) {
      return authz.denialResponse(lastAdminRefusal(error), request);
    }
    return new Response(null, { status: 204 });
  },
);
