/**
 * Edge middleware: an early answer for whole areas, from the policies in lib/access.ts. The route
 * handlers and pages check everything again (they are the authority); docs/middleware.md explains
 * the matcher and the path rules. For Next 16's `proxy.ts` (Node), use the same two exports there.
 */
import { pathRules } from "@/lib/access";
import { SIGN_IN_PATH } from "@/lib/auth.config";
import { authorizationMiddleware, createChecker } from "@/lib/authz";
import { authzOptions } from "@/lib/authz-edge";
import { edgeDecisionLog } from "@/lib/decision-log-edge";

export default authorizationMiddleware(
  createChecker({ ...authzOptions, decisionLog: edgeDecisionLog }),
  {
    rules: pathRules,
    signInPath: SIGN_IN_PATH,
    forbiddenPath: "/403",
  },
);

// Every matched path pays the platform's middleware floor (the no-op row of the README's
// performance table), so only areas where an early answer is worth it: pages (refused before
// rendering) and the admin and ops APIs. The org APIs are left out: membership is the handler's to
// check, and "signed in" alone is not worth the floor there. Keep in step with pathRules
// (tests/unit/middleware-config.test.ts).
// Next also applies these to /_next/data/<build>/...json and .rsc forms of the same paths.
export const config = {
  matcher: [
    "/dashboard/:path*",
    "/orgs/:path*",
    "/admin/:path*",
    "/api/admin/:path*",
    "/api/ops/:path*",
  ],
};
