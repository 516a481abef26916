// The kit as the demo configures it, reduced to what the benchmark routes need.
import { defineAccess } from "@/lib/authz/access";
import { createAuthz } from "@/lib/authz/authz";
import { authJsSession } from "@/lib/authz/session";
import { createDecisionLog, memorySink } from "@/lib/authz/decision-log";

export const access = defineAccess({ roles: { member: {}, admin: { inherits: ["member"] } } });
export const signedIn = access.policy({ name: "bench-signed-in" });
export const authz = createAuthz({
  session: authJsSession({ secret: () => process.env.AUTH_SECRET }),
});

// The same kit with the decision log on: the default memory ring, and a secret so the middleware
// hands its request id on (what the demo does). Compared with the kit above, it is the log's cost.
export const authzLogged = createAuthz({
  session: authJsSession({ secret: () => process.env.AUTH_SECRET }),
  decisionLog: createDecisionLog({
    sinks: [memorySink()],
    secret: () => process.env.AUTH_SECRET,
  }),
});
