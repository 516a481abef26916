import { policies } from "@/lib/access";
import { userStore } from "@/lib/demo/store";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.admin, async () => {
  const users = await userStore.list();
  return Response.json({ users });
});
