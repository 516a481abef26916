import { forbidden } from "next/navigation";

// Rendered per request: a prerendered forbidden() would be cached as a static 403 page.
export const dynamic = "force-dynamic";

/**
 * Where middleware rewrites a page visit its rules refuse for a signed-in user: forbidden()
 * answers 403 with app/forbidden.tsx, and the browser keeps the URL it asked for.
 * Needs `experimental: { authInterrupts: true }` in next.config.
 */
export default function ForbiddenRewriteTarget(): never {
  forbidden();
}
