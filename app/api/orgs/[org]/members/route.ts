import { policies } from "@/lib/access";
import { demoAccounts } from "@/lib/demo/accounts";
import { memberView } from "@/lib/demo/members";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.orgMembers, async (_request, { subject }) =>
  Response.json({ members: (await demoAccounts.members(subject.org.id)).map(memberView) }),
);
