/**
 * Locks the kit's public runtime surface, as Clerk does for its packages: every module under
 * lib/authz/ and the names it exports at runtime. Adding, renaming or removing an export (or a
 * module) fails this test until the snapshot is updated on purpose (`npx vitest run -u <this file>`),
 * so a surface change is always a visible diff in review.
 *
 * Type-only exports vanish at runtime and are not listed here: tests/unit/policy-types.test.ts
 * covers the types.
 */
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";

const KIT = resolve(__dirname, "../../lib/authz");

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? modules(join(dir, e.name))
        : /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts")
          ? [join(dir, e.name)]
          : [],
    )
    .sort();
}

it("lib/authz modules and their runtime exports", async () => {
  const surface: Record<string, string[]> = {};
  for (const file of modules(KIT)) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    surface[relative(KIT, file)] = Object.keys(mod).sort();
  }
  expect(surface).toMatchInlineSnapshot(`
    {
      "access.ts": [
        "defineAccess",
      ],
      "action.ts": [
        "actionRefusal",
        "createActionGuard",
        "isActionRefusal",
        "publicAction",
      ],
      "authz.ts": [
        "createAuthz",
      ],
      "claims.ts": [
        "claimsParser",
      ],
      "decision-log/attributes.ts": [
        "decisionSpanAttributes",
      ],
      "decision-log/event.ts": [
        "DECISION_LAYERS",
      ],
      "decision-log/hmac.ts": [
        "hmacTagger",
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
      "decision-log/log.ts": [
        "FORWARDED_ID_HEADER",
        "REQUEST_ID_HEADER",
        "createDecisionLog",
      ],
      "decision-log/parse.ts": [
        "parseDecisionEvent",
      ],
      "decision-log/queue.ts": [
        "deliveryQueue",
      ],
      "decision-log/redact.ts": [
        "logAddress",
        "logPath",
      ],
      "decision-log/request-id.ts": [
        "FORWARDED_ID_HEADER",
        "REQUEST_ID_HEADER",
        "isRequestIdShape",
        "newRequestId",
        "signForwardedId",
        "verifyForwardedId",
      ],
      "decision-log/shadow.ts": [
        "newFacts",
        "shadowOf",
        "shadowVerdict",
        "withShadow",
      ],
      "decision-log/sink.ts": [],
      "decision-log/sinks/collector.ts": [
        "collectorRoute",
        "collectorSink",
      ],
      "decision-log/sinks/console.ts": [
        "consoleSink",
      ],
      "decision-log/sinks/memory.ts": [
        "memorySink",
      ],
      "decision-log/sinks/redis-stream.ts": [
        "redisStreamSink",
      ],
      "decision.ts": [
        "DenyStatus",
        "deny",
        "internalError",
        "notFound",
      ],
      "duration.ts": [
        "parseDuration",
      ],
      "index.ts": [
        "AUTHJS_COOKIE_NAME",
        "DEFAULT_CHALLENGE",
        "DenyStatus",
        "MIDDLEWARE_LAYER_HEADER",
        "NEXTAUTH_V4_COOKIE_NAME",
        "authJsSecrets",
        "authJsSession",
        "authorizationMiddleware",
        "clientIpFrom",
        "createAuthz",
        "defineAccess",
        "definePathRules",
        "denialResponse",
        "deny",
        "fromUpstashLimiter",
        "guardOf",
        "ipMatcher",
        "memoryRateLimitStore",
        "nextAuthV4Session",
        "notFound",
        "parseDuration",
        "parseIp",
        "proxyTrustFromEnv",
        "publicRoute",
        "sessionFromAuth",
        "wantsProblemJson",
      ],
      "ip.ts": [
        "clientIpFrom",
        "ipMatcher",
        "parseIp",
        "proxyTrustFromEnv",
      ],
      "middleware.ts": [
        "MIDDLEWARE_LAYER_HEADER",
        "authorizationMiddleware",
      ],
      "next-request.ts": [
        "currentRequest",
      ],
      "origin.ts": [
        "crossSiteRefusal",
        "trustedOriginSet",
      ],
      "path.ts": [
        "HTTP_METHODS",
        "callbackPath",
        "compilePathPattern",
        "definePathRules",
        "pathForms",
        "sameOriginPath",
        "signInRedirectPath",
      ],
      "policy.ts": [
        "compilePolicy",
        "rateLimitHeaders",
      ],
      "rate-limit/key.ts": [
        "DEFAULT_IPV6_PREFIX",
        "rateLimitAddress",
        "rateLimitKeyForAddress",
        "rateLimitKeyForUser",
      ],
      "rate-limit/memory.ts": [
        "checkRule",
        "memoryRateLimitStore",
      ],
      "rate-limit/store.ts": [],
      "rate-limit/upstash.ts": [
        "fromUpstashLimiter",
      ],
      "respond.ts": [
        "DEFAULT_CHALLENGE",
        "denialResponse",
        "wantsProblemJson",
      ],
      "route-coverage-node.ts": [
        "ROUTE_METHODS",
        "expectRouteCoverage",
        "routeCoverage",
        "unguardedDeclarations",
      ],
      "route.ts": [
        "createWithAuthorization",
        "guardOf",
        "publicRoute",
      ],
      "schema.ts": [
        "validate",
      ],
      "scheme.ts": [
        "isHttpsRequest",
      ],
      "server.ts": [
        "createPageGuard",
        "sameOriginPath",
        "signInRedirectPath",
      ],
      "session/auth-adapter.ts": [
        "sessionFromAuth",
      ],
      "session/authjs.ts": [
        "AUTHJS_COOKIE_NAME",
        "authJsSession",
      ],
      "session/cookies.ts": [
        "parseCookieHeader",
        "readChunkedCookie",
      ],
      "session/index.ts": [
        "AUTHJS_COOKIE_NAME",
        "DEFAULT_CLOCK_TOLERANCE_SEC",
        "DEFAULT_MAX_TOKEN_BYTES",
        "NEXTAUTH_V4_COOKIE_NAME",
        "authJsSecrets",
        "authJsSession",
        "checkTimeClaims",
        "decryptJwt",
        "deriveJweKey",
        "nextAuthV4Session",
        "parseCookieHeader",
        "readChunkedCookie",
        "sessionFromAuth",
      ],
      "session/jwe.ts": [
        "DEFAULT_CLOCK_TOLERANCE_SEC",
        "DEFAULT_MAX_TOKEN_BYTES",
        "base64UrlDecode",
        "base64UrlEncode",
        "checkTimeClaims",
        "decryptJwt",
        "deriveJweKey",
      ],
      "session/jwt-cookie-source.ts": [
        "DEFAULT_CACHE_MAX",
        "createJwtCookieSource",
      ],
      "session/nextauth-v4.ts": [
        "NEXTAUTH_V4_COOKIE_NAME",
        "nextAuthV4Session",
      ],
      "session/secrets.ts": [
        "authJsSecrets",
      ],
      "session/source.ts": [],
      "testing.ts": [
        "expectRefusal",
        "requestFor",
        "routeContext",
        "sessionCookie",
        "sessionCookieName",
        "signInWithCredentials",
      ],
    }
  `);
});
