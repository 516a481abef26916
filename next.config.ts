import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // forbidden() / unauthorized() in pages and server actions (app/forbidden.tsx renders the 403 page).
  experimental: { authInterrupts: true },
  poweredByHeader: false,
};

export default nextConfig;
