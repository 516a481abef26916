// middleware.ts (Edge) or proxy.ts (Next 16, Node): the same two exports work in either file.
import {
  authorizationMiddleware,
  createChecker,
  definePathRules,
  MIDDLEWARE_LAYER_HEADER,
} from "@/lib/authz";
import { policies } from "@/lib/access";
import { authzOptions } from "@/lib/authz-edge"; // edge-safe: never import authz-node here

const rules = definePathRules([
  { path: "/admin/**", policy: policies.admin, kind: "page" }, // 307 to sign-in, or the 403 page
  { path: "/api/admin/**", policy: policies.admin, kind: "api" }, // JSON 401/403
  { path: "/api/ops/**", policy: policies.opsOnly, kind: "api", methods: ["GET"] },
]);

export default authorizationMiddleware(createChecker(authzOptions), {
  rules,
  signInPath: "/api/auth/signin", // Auth.js's own page (v4's too); or your sign-in page's path
  forbiddenPath: "/403", // a page whose component calls forbidden()
});

// Only what an early answer is worth: each matched path pays the platform's middleware cost.
export const config = { matcher: ["/admin/:path*", "/api/admin/:path*", "/api/ops/:path*"] };

// Answers the middleware gave carry this header, so logs can tell them from the handler's.
export const answeredByMiddleware = (response: Response) =>
  response.headers.get(MIDDLEWARE_LAYER_HEADER) === "middleware";
