import { forbidden } from "next/navigation";
import { publicPage } from "@/lib/authz";

// Rendered per request: a prerendered forbidden() would be cached as a static 403 page.
export const dynamic = "force-dynamic";

/**
 * Where middleware.ts rewrites a page visit its rules refuse for a signed-in user: forbidden()
 * answers 403 with app/forbidden.tsx, and the browser keeps the URL it asked for.
 */
function ForbiddenRewriteTarget(): never {
  forbidden();
}

export default publicPage(
  "renders only the 403 refusal middleware rewrites to",
  ForbiddenRewriteTarget,
);
