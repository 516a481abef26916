import type { NextConfig } from "next";
import { PHASE_PRODUCTION_BUILD, PHASE_PRODUCTION_SERVER } from "next/constants";
import { withAuthorizationConfig } from "@/lib/authz/next-config";

// forbidden() in pages and server actions (app/forbidden.tsx renders the 403 page), and the
// refusal's caching on /403, where middleware.ts rewrites refused page visits.
const nextConfig: NextConfig = withAuthorizationConfig(
  {
    poweredByHeader: false,
    // PGlite (the demo database without DATABASE_URL) loads its WebAssembly from its own folder:
    // Node requires it from node_modules instead of a bundle.
    serverExternalPackages: ["@electric-sql/pglite"],
    // RFC 9728's well-known URL; Next does not route dot folders, so the handler lives under /api.
    async rewrites() {
      return [
        {
          source: "/.well-known/oauth-protected-resource",
          destination: "/api/well-known/oauth-protected-resource",
        },
      ];
    },
  },
  { forbiddenPath: "/403" },
);

export default function config(phase: string): NextConfig {
  // Next has loaded .env* files by now. A production build or server without a secret would sign
  // sessions with nothing anyone chose: stop with one sentence instead of inventing one.
  if (
    (phase === PHASE_PRODUCTION_BUILD || phase === PHASE_PRODUCTION_SERVER) &&
    !process.env.AUTH_SECRET?.trim()
  ) {
    console.error(
      "AUTH_SECRET is not set: generate one with `openssl rand -base64 32` and set it in the environment (or .env.local) before `next build` / `next start`.",
    );
    process.exit(1);
  }
  return nextConfig;
}
