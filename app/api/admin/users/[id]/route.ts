import * as z from "zod";
import { policies } from "@/lib/access";
import { notFound } from "@/lib/authz";
import { userStore } from "@/lib/demo/store";
import { authz, withAuthorization } from "@/lib/authz-node";

const params = z.object({ id: z.string().min(1).max(64) });

export const DELETE = withAuthorization(policies.admin, { params }, async (request, { params }) => {
  const deleted = await userStore.delete(params.id);
  // The same 404 the kit gives everywhere, so unknown ids look alike across the API.
  if (!deleted) return authz.denialResponse(notFound(), request);
  return new Response(null, { status: 204 });
});
