/**
 * EDGE-SAFE. How the demo's kit reads facts: the session cookie and the client address. Shared by
 * middleware.ts and lib/authz-node.ts (which adds the rate-limit store for the Node runtime).
 */
import { authJsSession, clientIpFrom, proxyTrustFromEnv, type AuthzOptions } from "@/lib/authz";
import { SIGN_IN_PATH } from "./auth.config";

export const authzOptions = {
  // Read per request: AUTH_SECRET may be rotated by listing the new secret first (comma-separated).
  session: authJsSession({
    secret: () =>
      process.env.AUTH_SECRET?.split(",")
        .map((s) => s.trim())
        .filter(Boolean),
  }),
  clientIp: clientIpFrom(proxyTrustFromEnv(process.env)),
  response: {
    challenge: `Cookie realm="next-authz-kit demo", form-action="${SIGN_IN_PATH}", cookie-name="authjs.session-token"`,
  },
} satisfies AuthzOptions;
