import { policies } from "@/lib/access";
import { withAuthorization } from "@/lib/authz-node";

const startedAt = Date.now();

export const GET = withAuthorization(policies.opsMetrics, async () =>
  Response.json({
    metrics: {
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      runtime: process.env.NEXT_RUNTIME ?? "nodejs",
    },
  }),
);
