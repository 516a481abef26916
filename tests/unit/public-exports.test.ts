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
        "DEFAULT_CHALLENGE",
        "DenyStatus",
        "JwksUnavailableError",
        "MIDDLEWARE_LAYER_HEADER",
        "NEXTAUTH_V4_COOKIE_NAME",
        "accountClaims",
        "authJsSecrets",
        "authJsSession",
        "authorizationMiddleware",
        "clerkSession",
        "clientIpFrom",
        "createAuthz",
        "createChecker",
        "defineAccess",
        "definePathRules",
        "denialResponse",
        "deny",
        "fromUpstashLimiter",
        "guardOf",
        "ipMatcher",
        "jwksCache",
        "memoryMembershipStore",
        "memoryRateLimitStore",
        "nextAuthV4Session",
        "notFound",
        "parseDuration",
        "parseIp",
        "proxyTrustFromEnv",
        "publicLayout",
        "publicPage",
        "publicRoute",
        "redisMembershipStore",
        "sealedCookie",
        "sessionFromAuth",
        "signedCookie",
        "subjectFreshness",
        "supabaseSession",
        "upstashRateLimitStore",
        "wantsProblemJson",
      ],
      "next-config.ts": [
        "withAuthorizationConfig",
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
