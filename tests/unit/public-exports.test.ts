/**
 * Locks the kit's public runtime surface, as Clerk does for its packages: the names each public
 * entry point exports at runtime. Adding, renaming or removing an export fails this test until the
 * snapshot is updated on purpose (`npx vitest run <this file> --update`), so a surface change is
 * always a visible diff in review. Internal modules may change freely: the entry points are the
 * promise.
 *
 * Type-only exports vanish at runtime and are not listed here: tests/unit/policy-types.test.ts
 * covers the types, and tests/unit/readme.test.ts that each one is documented.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";

const KIT = resolve(__dirname, "../../lib/authz");

/** The entry points a user imports (README, "API reference"); everything else is internal. */
const ENTRY_POINTS = [
  "index.ts",
  "server.ts",
  "action.ts",
  "testing.ts",
  "rate-limit/redis.ts",
  "decision-log/index.ts",
  "route-coverage-node.ts",
  "next-config.ts",
  // Lists from policies (docs/lists.md): the ORM-neutral core. The adapters live beside the kit
  // (lib/authz-drizzle.ts, lib/authz-kysely.ts, lib/authz-prisma.ts), each its own registry item,
  // as lib/authz-otel.ts does: a copied folder needs no ORM installed.
  "query/filter.ts",
  "query/fields.ts",
] as const;

it("the public entry points and their runtime exports", async () => {
  const surface: Record<string, string[]> = {};
  for (const file of ENTRY_POINTS) {
    const mod = (await import(pathToFileURL(resolve(KIT, file)).href)) as Record<string, unknown>;
    surface[file] = Object.keys(mod).sort();
  }
  expect(surface).toMatchInlineSnapshot(`
    {
      "action.ts": [
        "actionRefusal",
        "createActionGuard",
        "isActionRefusal",
        "publicAction",
      ],
      "decision-log/index.ts": [
        "FORWARDED_ID_HEADER",
        "REQUEST_ID_HEADER",
        "collectorRoute",
        "collectorSink",
        "consoleSink",
        "createDecisionLog",
        "decisionSpanAttributes",
        "logAddress",
        "logPath",
        "memorySink",
        "parseDecisionEvent",
        "redisStreamSink",
        "shadowOf",
        "withShadow",
      ],
      "index.ts": [
        "AUTHJS_COOKIE_NAME",
        "AuthzConfigError",
        "BETTER_AUTH_COOKIE_PREFIX",
        "DEFAULT_CHALLENGE",
        "DenyStatus",
        "JwksUnavailableError",
        "LastOrgAdminError",
        "MIDDLEWARE_LAYER_HEADER",
        "NEXTAUTH_V4_COOKIE_NAME",
        "PROTECTED_RESOURCE_PATH",
        "accountClaims",
        "apiKeyPresence",
        "apiKeySource",
        "authJsSecrets",
        "authJsSession",
        "authorizationMiddleware",
        "bearerTokenSource",
        "betterAuthClaims",
        "betterAuthMembers",
        "betterAuthSession",
        "clerkSession",
        "clientIpFrom",
        "createApiKey",
        "createAuthz",
        "createChecker",
        "credentialSource",
        "defineAccess",
        "definePathRules",
        "denialResponse",
        "deny",
        "guardOf",
        "ipMatcher",
        "jwksCache",
        "lastOrgAdmin",
        "memoryApiKeyStore",
        "memoryMembershipStore",
        "memoryRateLimitStore",
        "nextAuthV4Session",
        "notFound",
        "parseBetterAuthRoles",
        "parseDuration",
        "parseIp",
        "protectedResourceMetadata",
        "proxyTrustFromEnv",
        "publicLayout",
        "publicPage",
        "publicRoute",
        "redisApiKeyStore",
        "redisMembershipStore",
        "requestHostFrom",
        "sealedCookie",
        "sessionFromAuth",
        "sessionFromBetterAuth",
        "signedCookie",
        "subjectFreshness",
        "supabaseSession",
        "upstashRateLimitStore",
        "wantsProblemJson",
      ],
      "next-config.ts": [
        "withAuthorizationConfig",
      ],
      "query/fields.ts": [
        "compileFields",
        "pickFields",
      ],
      "query/filter.ts": [
        "MATCH_NOTHING",
        "allOf",
        "anyOf",
        "listFilter",
        "matches",
      ],
      "rate-limit/redis.ts": [
        "RATE_LIMIT_SCRIPT",
        "RATE_LIMIT_SCRIPT_SHA1",
        "redisRateLimitStore",
      ],
      "route-coverage-node.ts": [
        "ROUTE_METHODS",
        "expectRouteCoverage",
        "routeCoverage",
        "unguardedDeclarations",
      ],
      "server.ts": [
        "createPageGuard",
        "sameOriginPath",
        "signInRedirectPath",
      ],
      "testing.ts": [
        "expectRefusal",
        "requestFor",
        "routeContext",
        "sessionCookie",
        "sessionCookieName",
        "signInWithCredentials",
        "signedSessionCookie",
      ],
    }
  `);
});
