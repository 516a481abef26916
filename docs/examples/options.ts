// lib/authz-options.ts: how the kit reads facts. Edge-safe, so middleware.ts and the Node-side
// guard (lib/guard.ts) share this one object; never import lib/guard.ts from middleware.ts (it
// pulls in Node-only code, and Next 15.5 fails to build the Edge bundle).
import {
  authJsSecrets,
  authJsSession,
  clientIpFrom,
  proxyTrustFromEnv,
  type AuthzOptions,
} from "@/lib/authz";

export const authzOptions = {
  // Reads the Auth.js v5 session cookie itself (Web Crypto). The secrets are read per request, the
  // way Auth.js reads them (AUTH_SECRET; AUTH_SECRET_1 to rotate): pass authJsSecrets(process.env)
  // to NextAuth({ secret }) too, so both always agree.
  session: authJsSession({ secret: () => authJsSecrets(process.env) }),
  // A Vercel deployment, TRUSTED_PROXY_HOPS=n or TRUSTED_PROXY_CIDRS=...; none: the address is unknown.
  clientIp: clientIpFrom(proxyTrustFromEnv(process.env)),
  // Origins besides your own allowed to POST/PUT/PATCH/DELETE with a session (others: 403).
  trustedOrigins: ["https://admin.example.com"],
} satisfies AuthzOptions;
