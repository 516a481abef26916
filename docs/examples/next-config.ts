// next.config.ts: forbidden() needs authInterrupts, for authorize() in pages and for middleware's
// page rules alike (their 403 page calls it). Without it `next build` passes and a refused visit
// is a 500.
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  experimental: { authInterrupts: true },
};

export default nextConfig;
