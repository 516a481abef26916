// app/403/page.tsx: where middleware rewrites refused page visits (forbiddenPath). It must render
// per request: prerendered, forbidden() would be a static page. Next renders app/forbidden.tsx
// (your 403 page's look) with status 403.
import { forbidden } from "next/navigation";

export const dynamic = "force-dynamic";

export default function ForbiddenRewriteTarget(): never {
  forbidden();
}
