// The kit as the demo configures it, reduced to what the benchmark routes need.
import { defineAccess } from "@/lib/authz/access";
import { createAuthz } from "@/lib/authz/create-authz";
import { authJsSession } from "@/lib/authz/session";
import { createDecisionLog, memorySink } from "@/lib/authz/decision-log";
import { subjectFreshness } from "@/lib/authz/subject/freshness";
import { memoryMembershipStore } from "@/lib/authz/subject/memory";

export const access = defineAccess({
  roles: { member: {}, admin: { inherits: ["member"] } },
  orgRoles: { member: { permissions: ["docs:read"] }, admin: { inherits: ["member"] } },
});
export const signedIn = access.policy({ name: "bench-signed-in" });
export const orgMember = access.policy({
  name: "bench-org-member",
  org: { segment: "org", permission: "docs:read" },
});
const session = authJsSession({ secret: () => process.env.AUTH_SECRET });
export const authz = createAuthz({ session });
// The org route's kit: every session's account read through the per-process cache (warm after
// the first request of the cache period, as on a busy instance).
export const orgAuthz = createAuthz({
  session,
  subjects: subjectFreshness({
    source: memoryMembershipStore({ "user-bench": { acme: "member", globex: "admin" } }),
  }),
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
