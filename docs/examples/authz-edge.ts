// lib/authz-edge.ts (edge-safe): how the kit reads facts. middleware.ts and lib/authz-node.ts share it.
import { authJsSession, clientIpFrom, proxyTrustFromEnv, type AuthzOptions } from "@/lib/authz";

export const authzOptions = {
  // Reads the Auth.js v5 session cookie itself (Web Crypto); the secret is read per request.
  session: authJsSession({ secret: () => process.env.AUTH_SECRET }),
  // VERCEL=1, TRUSTED_PROXY_HOPS=n or TRUSTED_PROXY_CIDRS=...; none set: the address is unknown.
  clientIp: clientIpFrom(proxyTrustFromEnv(process.env)),
  onError: (error, { stage, policy }) => console.error(`authz ${stage} error in ${policy}`, error),
} satisfies AuthzOptions;
