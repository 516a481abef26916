// The kit as the demo configures it, reduced to what the benchmark routes need.
import { defineAccess } from "@/lib/authz/access";
import { createAuthz } from "@/lib/authz/authz";
import { authJsSession } from "@/lib/authz/session";

export const access = defineAccess({ roles: { member: {}, admin: { inherits: ["member"] } } });
export const signedIn = access.policy({ name: "bench-signed-in" });
export const authz = createAuthz({
  session: authJsSession({ secret: () => process.env.AUTH_SECRET }),
});
