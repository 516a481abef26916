import { collectorRoute } from "@/lib/authz/decision-log";
import { publicRoute } from "@/lib/authz";
import { decisionLogSecret } from "@/lib/decision-log-edge";
import { decisionBatchIds, decisionLog } from "@/lib/decision-log-node";

// The middleware's decision events, posted in batches by lib/decision-log-edge.ts.
export const POST = publicRoute(
  "accepts only event batches signed with the app's secret (the middleware's decision log)",
  collectorRoute(decisionLog, { secret: decisionLogSecret, batchIds: decisionBatchIds() }),
);
