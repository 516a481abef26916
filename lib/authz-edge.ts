/**
 * EDGE-SAFE. How the demo's kit reads facts: the session cookie, and the client address and host
 * under the deployment's proxy trust model. Shared by
 * middleware.ts and lib/authz-node.ts (which adds the rate-limit store for the Node runtime).
 */
import {
  apiKeyPresence,
  authJsSecrets,
  authJsSession,
  clientIpFrom,
  proxyTrustFromEnv,
  requestHostFrom,
  type AuthzOptions,
} from "@/lib/authz";
import { SIGN_IN_PATH } from "./auth.config";
import { BETTER_AUTH_TOKEN_COOKIE, betterAuthEdgeSession } from "./auth-provider";
import { demoBearerSource } from "./demo/machine";

// Read per request, exactly as lib/auth.ts hands them to Auth.js: AUTH_SECRET, rotated by
// setting the new secret as AUTH_SECRET_1 (Auth.js's own convention).
const authJs = () => authJsSession({ secret: () => authJsSecrets(process.env) });

/**
 * The demo's cookie session at the Edge: Auth.js's JWT, or under Better Auth its cookie cache (an
 * expired cache is "unknown", and the handler decides by asking Better Auth, lib/authz-node.ts).
 */
// `process.env.AUTH_PROVIDER` in the condition itself: when `next build` inlines it (next.config.ts),
// the other reader is dead code and leaves the Edge bundle.
export const demoSession =
  process.env.AUTH_PROVIDER === "better-auth" ? betterAuthEdgeSession() : authJs();

/** Bearer access tokens from OIDC_ISSUER (edge-safe: the JWKS over fetch); null while unset. */
export const demoBearer = demoBearerSource(process.env);

const proxyTrust = proxyTrustFromEnv(process.env);

export const authzOptions = {
  // Header credentials first: a request with a token or key is decided by it, never by a cookie.
  // API keys live in a Node store (lib/authz-node.ts); here a key only defers to the handler.
  session: [...(demoBearer ? [demoBearer] : []), apiKeyPresence(), demoSession],
  clientIp: clientIpFrom(proxyTrust),
  // The host a same-origin Origin names: X-Forwarded-Host only from a trusted proxy.
  requestHost: requestHostFrom(proxyTrust),
  response: {
    challenge: `Cookie realm="next-authz-kit demo", form-action="${SIGN_IN_PATH}", cookie-name="${
      process.env.AUTH_PROVIDER === "better-auth"
        ? BETTER_AUTH_TOKEN_COOKIE
        : "authjs.session-token"
    }"`,
  },
} satisfies AuthzOptions;
