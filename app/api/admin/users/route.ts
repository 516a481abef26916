import { policies } from "@/lib/access";
import { userStore } from "@/lib/demo/store";
import { withAuthorization } from "@/lib/authz-node";

// Scoped to the admin's own tenant: an acme admin neither sees nor manages globex's users.
export const GET = withAuthorization(policies.admin, async (_request, { subject }) => {
  const users = subject.tenant === undefined ? [] : await userStore.list(subject.tenant);
  return Response.json({ users });
});
