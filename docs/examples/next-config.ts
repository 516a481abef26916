// next.config.ts: withAuthorizationConfig turns on forbidden() (`experimental.authInterrupts`, for
// authorize() in pages and middleware's page rules alike: without it `next build` passes and a
// refused visit is a 500), and gives the 403 page the refusal's caching, `private, no-store`,
// even where Next prerenders that page.
import type { NextConfig } from "next";
import { withAuthorizationConfig } from "@/lib/authz/next-config";

const nextConfig: NextConfig = {
  // ...your options
};

export default withAuthorizationConfig(nextConfig, { forbiddenPath: "/403" });
