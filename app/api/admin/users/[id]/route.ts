import * as z from "zod";
import { policies } from "@/lib/access";
import { userStore } from "@/lib/demo/store";
import { withAuthorization } from "@/lib/authz-node";

const params = z.object({ id: z.string().min(1).max(64) });

// The user is loaded and checked against the admin's tenant by the kit: an unknown id and another
// tenant's user answer the same 404.
export const DELETE = withAuthorization(
  policies.manageUser,
  { params, load: ({ params }) => userStore.get(params.id) },
  async (_request, { resource }) => {
    await userStore.delete(resource.id);
    return new Response(null, { status: 204 });
  },
);
