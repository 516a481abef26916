/**
 * An early answer for the path areas in lib/access.ts. The same code runs as middleware.ts (Edge
 * runtime) or as Next 16's proxy.ts (Node.js runtime): the shadcn CLI writes proxy.ts on Next 16
 * when there is no src/ folder. Route handlers and pages check again; they are the authority.
 */
import { pathRules } from "./lib/access";
import { authorizationMiddleware, createChecker } from "./lib/authz";
import { authzOptions, SIGN_IN_PATH } from "./lib/authz-edge";

export default authorizationMiddleware(createChecker(authzOptions), {
  rules: pathRules,
  signInPath: SIGN_IN_PATH,
  // A signed-in page visit without permission is rewritten here: app/403/page.tsx calls forbidden().
  forbiddenPath: "/403",
});

// Only what an early answer is worth: every matched path pays the platform's middleware cost.
export const config = { matcher: ["/admin/:path*", "/api/admin/:path*"] };
