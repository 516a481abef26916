import { readFileSync } from "node:fs";
import path from "node:path";
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
  // AUTH_PROVIDER set at `next build` fixes the sign-in library for that build: Next inlines it,
  // so the Edge middleware bundle carries one session reader, not both (the 72 KB budget). Unset,
  // it is read when the server starts and the middleware carries both (docs/deploy.md).
  const provider = process.env.AUTH_PROVIDER?.trim();
  if (phase === PHASE_PRODUCTION_BUILD && provider) {
    if (provider !== "authjs" && provider !== "better-auth") {
      console.error(`AUTH_PROVIDER must be authjs or better-auth, not "${provider}".`);
      process.exit(1);
    }
    return { ...nextConfig, env: { ...nextConfig.env, AUTH_PROVIDER: provider } };
  }
  if (phase === PHASE_PRODUCTION_SERVER) {
    const built = providerOfBuild();
    if (built && provider && provider !== built) {
      console.error(
        `This build runs on AUTH_PROVIDER=${built} (set at next build); AUTH_PROVIDER=${provider} at start would not change it. Build again with the provider you want, or unset AUTH_PROVIDER at build to choose at start.`,
      );
      process.exit(1);
    }
  }
  return nextConfig;
}

/** The AUTH_PROVIDER `next build` inlined into this build (.next), if any. */
function providerOfBuild(): string | undefined {
  try {
    const file = path.join(process.cwd(), ".next", "required-server-files.json");
    const built = JSON.parse(readFileSync(file, "utf8")) as {
      config?: { env?: Record<string, string> };
    };
    return built.config?.env?.AUTH_PROVIDER;
  } catch {
    return undefined; // no build here (next dev), or not one this config wrote
  }
}
