// lib/guard.ts: how the kit reads facts. Once per app; pass the same options to middleware.ts.
import {
  authJsSecrets,
  authJsSession,
  clientIpFrom,
  createAuthz,
  memoryRateLimitStore,
  proxyTrustFromEnv,
} from "@/lib/authz";

export const authz = createAuthz({
  // Reads the Auth.js v5 session cookie itself (Web Crypto). The secrets are read per request, the
  // way Auth.js reads them (AUTH_SECRET; AUTH_SECRET_1 to rotate): pass authJsSecrets(process.env)
  // to NextAuth({ secret }) too, so both always agree.
  session: authJsSession({ secret: () => authJsSecrets(process.env) }),
  // VERCEL=1, TRUSTED_PROXY_HOPS=n or TRUSTED_PROXY_CIDRS=...; none set: the address is unknown.
  clientIp: clientIpFrom(proxyTrustFromEnv(process.env)),
  // One process only: use the Redis store (or Upstash) when you run more than one instance.
  rateLimitStore: memoryRateLimitStore({ maxKeys: 50_000 }),
  onError: (error, { stage, policy }) => console.error(`authz ${stage} error in ${policy}`, error),
  // Origins besides your own allowed to POST/PUT/PATCH/DELETE with a session (others: 403).
  trustedOrigins: ["https://admin.example.com"],
});

export const { withAuthorization } = authz;
