// lib/authz-edge.ts for NextAuth v4 (edge-safe), in place of the quick start's: middleware.ts and
// lib/authz-node.ts import it, so the middleware and the Node guard read the same v4 cookie.
import { NEXTAUTH_V4_COOKIE_NAME, nextAuthV4Session, type AuthzOptions } from "@/lib/authz";

export const authzOptions = {
  // v4's session cookie (next-auth.session-token) and key derivation, read with Web Crypto.
  session: nextAuthV4Session({ secret: () => process.env.NEXTAUTH_SECRET }),
  // The 401 challenge names v4's sign-in page and cookie (the default names Auth.js v5's).
  response: {
    challenge: `Cookie realm="app", form-action="/api/auth/signin", cookie-name="${NEXTAUTH_V4_COOKIE_NAME}"`,
  },
} satisfies AuthzOptions;
