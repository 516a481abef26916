// app/403/page.tsx: where middleware rewrites refused page visits (forbiddenPath). It must render
// per request: prerendered, forbidden() would be a static page. Next renders app/forbidden.tsx
// (your 403 page's look) with status 403.
import { forbidden } from "next/navigation";
import { publicPage } from "@/lib/authz";

export const dynamic = "force-dynamic";

function ForbiddenRewriteTarget(): never {
  forbidden();
}

// Public on purpose: it renders only the refusal (the reason is what `authz:report` shows).
export default publicPage(
  "renders only the 403 refusal middleware rewrites to",
  ForbiddenRewriteTarget,
);
