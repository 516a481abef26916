// __tests__/authz-route-coverage.test.ts: every HTTP method a `route.ts` under app/ exports is
// wrapped in `withAuthorization` or marked public with `publicRoute(reason)`. A route that forgets
// both fails here, before it ships. Runs with Vitest, configured so that it can import your routes:
//   resolve: { tsconfigPaths: true },                   // their `@/` imports
//   test: { server: { deps: { inline: ["next-auth"] } } } // next-auth's extensionless ESM imports
import path from "node:path";
import { expect, it } from "vitest";
import { expectRouteCoverage } from "../lib/authz/route-coverage-node";

it("guards every route handler under app/ or marks it public", async () => {
  // Your runner's own import: it compiles TypeScript and resolves your paths.
  const coverage = await expectRouteCoverage(
    path.resolve(__dirname, "../app"),
    (file) => import(file),
  );
  // An empty walk proves nothing: the app has route handlers.
  expect(coverage.files.length).toBeGreaterThan(0);
});
