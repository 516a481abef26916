import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

export const POST = withAuthorization(policies.exportReports, async (_request, { subject }) =>
  Response.json({
    report: {
      tenant: subject.tenant ?? null,
      format: "csv",
      generatedAt: new Date().toISOString(),
    },
  }),
);
