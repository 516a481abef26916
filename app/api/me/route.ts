import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.me, async (_request, { subject }) =>
  Response.json({
    user: {
      id: subject.id,
      email: subject.email ?? null,
      name: subject.name ?? null,
      role: subject.roles[0] ?? null,
      tenant: subject.tenant ?? null,
      plan: subject.plan ?? null,
    },
  }),
);
