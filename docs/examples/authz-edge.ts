// lib/authz-edge.ts (edge-safe): how the kit reads facts. middleware.ts and lib/authz-node.ts share it.
import {
  authJsSecrets,
  authJsSession,
  clientIpFrom,
  proxyTrustFromEnv,
  requestHostFrom,
  type AuthzOptions,
} from "@/lib/authz";

export const authzOptions = {
  // Reads the Auth.js v5 session cookie itself (Web Crypto). The secrets are read per request, the
  // way Auth.js reads them (AUTH_SECRET; AUTH_SECRET_1 to rotate): pass authJsSecrets(process.env)
  // to NextAuth({ secret }) too, so both always agree.
  session: authJsSession({ secret: () => authJsSecrets(process.env) }),
  // VERCEL=1, TRUSTED_PROXY_HOPS=n or TRUSTED_PROXY_CIDRS=...; none set: the address is unknown.
  clientIp: clientIpFrom(proxyTrustFromEnv(process.env)),
  requestHost: requestHostFrom(proxyTrustFromEnv(process.env)), // the host an Origin must name
  onError: (error, { stage, policy }) => console.error(`authz ${stage} error in ${policy}`, error),
  // Origins besides your own allowed to POST/PUT/PATCH/DELETE with a session (others: 403).
  trustedOrigins: ["https://admin.example.com"],
} satisfies AuthzOptions;
