// lib/guard.ts: how the kit reads facts. Once per app; pass the same options to middleware.ts.
import {
  authJsSession,
  clientIpFrom,
  createAuthz,
  memoryRateLimitStore,
  proxyTrustFromEnv,
} from "@/lib/authz";

export const authz = createAuthz({
  // Reads the Auth.js v5 session cookie itself (Web Crypto); the secret is read per request.
  session: authJsSession({ secret: () => process.env.AUTH_SECRET }),
  // VERCEL=1, TRUSTED_PROXY_HOPS=n or TRUSTED_PROXY_CIDRS=...; none set: the address is unknown.
  clientIp: clientIpFrom(proxyTrustFromEnv(process.env)),
  // One process only: use the Redis store (or Upstash) when you run more than one instance.
  rateLimitStore: memoryRateLimitStore({ maxKeys: 50_000 }),
  onError: (error, { stage, policy }) => console.error(`authz ${stage} error in ${policy}`, error),
});

export const { withAuthorization } = authz;
