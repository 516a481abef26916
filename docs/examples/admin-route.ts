// app/api/admin/reports/route.ts: a route handler runs only when its policy allows; `subject` is
// typed non-null. Anonymous: 401 with WWW-Authenticate; a member: 403 "Requires admin role".
import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const GET = withAuthorization(policies.admin, async (_request, { subject }) =>
  Response.json({ reports: [], requestedBy: subject.id }),
);
