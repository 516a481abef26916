/**
 * EDGE-SAFE. How the demo's kit reads facts: the session cookie, and the client address and host
 * under the deployment's proxy trust model. Shared by
 * middleware.ts and lib/authz-node.ts (which adds the rate-limit store for the Node runtime).
 */
import {
  authJsSecrets,
  authJsSession,
  clientIpFrom,
  proxyTrustFromEnv,
  requestHostFrom,
  type AuthzOptions,
} from "@/lib/authz";
import { SIGN_IN_PATH } from "./auth.config";

const proxyTrust = proxyTrustFromEnv(process.env);

export const authzOptions = {
  // Read per request, exactly as lib/auth.ts hands them to Auth.js: AUTH_SECRET, rotated by
  // setting the new secret as AUTH_SECRET_1 (Auth.js's own convention).
  session: authJsSession({ secret: () => authJsSecrets(process.env) }),
  clientIp: clientIpFrom(proxyTrust),
  // The host a same-origin Origin names: X-Forwarded-Host only from a trusted proxy.
  requestHost: requestHostFrom(proxyTrust),
  response: {
    challenge: `Cookie realm="next-authz-kit demo", form-action="${SIGN_IN_PATH}", cookie-name="authjs.session-token"`,
  },
} satisfies AuthzOptions;
