/**
 * EDGE-SAFE. How the demo's kit reads facts: the session cookie and the client address. Shared by
 * middleware.ts and lib/authz-node.ts (which adds the rate-limit store for the Node runtime).
 */
import {
  authJsSecrets,
  authJsSession,
  clientIpFrom,
  proxyTrustFromEnv,
  type AuthzOptions,
} from "@/lib/authz";
import { SIGN_IN_PATH } from "./auth.config";
import { AUTH_PROVIDER, betterAuthEdgeSession } from "./auth-provider";

// Read per request, exactly as lib/auth.ts hands them to Auth.js: AUTH_SECRET, rotated by
// setting the new secret as AUTH_SECRET_1 (Auth.js's own convention).
const authJs = () => authJsSession({ secret: () => authJsSecrets(process.env) });

export const authzOptions = {
  // Under Better Auth the middleware decides from its cookie cache; an expired cache is "unknown"
  // and the handler decides (lib/authz-node.ts asks Better Auth itself).
  session: AUTH_PROVIDER === "better-auth" ? betterAuthEdgeSession() : authJs(),
  clientIp: clientIpFrom(proxyTrustFromEnv(process.env)),
  response: {
    challenge: `Cookie realm="next-authz-kit demo", form-action="${SIGN_IN_PATH}", cookie-name="authjs.session-token"`,
  },
} satisfies AuthzOptions;
