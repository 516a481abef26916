// app/403/page.tsx: where middleware rewrites refused page visits (forbiddenPath, the path
// next.config names too). Next renders app/forbidden.tsx (your 403 page's look) with status 403.
// It may be prerendered: the config's header rule keeps the refusal private and unstored.
import { forbidden } from "next/navigation";
import { publicPage } from "@/lib/authz";

function ForbiddenRewriteTarget(): never {
  forbidden();
}

// Public on purpose: it renders only the refusal (the reason is what `authz:report` shows).
export default publicPage(
  "renders only the 403 refusal middleware rewrites to",
  ForbiddenRewriteTarget,
);
