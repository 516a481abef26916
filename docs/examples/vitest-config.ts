// vitest.config.mts: what the route coverage test needs to import your routes.
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { tsconfigPaths: true }, // your routes' `@/` imports
  // next-auth's ESM imports "next/server" without an extension; inlined, Vite resolves it.
  test: { environment: "node", server: { deps: { inline: ["next-auth"] } } },
});
