/**
 * EDGE-SAFE. How the kit reads facts: the Auth.js session cookie and the client address. Shared by
 * middleware and ./authz-node.ts (which adds the rate-limit store for the Node.js runtime).
 */
import {
  authJsSecrets,
  authJsSession,
  clientIpFrom,
  proxyTrustFromEnv,
  type AuthzOptions,
} from "./authz";

/** Where a page visit without a session is sent (Auth.js's own sign-in page by default). */
export const SIGN_IN_PATH = "/api/auth/signin";

export const authzOptions = {
  // Read per request, exactly as Auth.js reads them (pass authJsSecrets(process.env) to
  // NextAuth({ secret }) too): AUTH_SECRET byte for byte; to rotate, set the new secret as
  // AUTH_SECRET_1 and keep the old one in AUTH_SECRET until its sessions expire.
  session: authJsSession({ secret: () => authJsSecrets(process.env) }),
  // VERCEL=1, TRUSTED_PROXY_HOPS=n or TRUSTED_PROXY_CIDRS=...; with none set the client address
  // counts as unknown (IP rules then refuse).
  clientIp: clientIpFrom(proxyTrustFromEnv(process.env)),
} satisfies AuthzOptions;
