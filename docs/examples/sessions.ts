// Where sessions come from: pick the source that matches your app.
import {
  AUTHJS_COOKIE_NAME,
  createAuthz,
  NEXTAUTH_V4_COOKIE_NAME,
  nextAuthV4Session,
  sessionFromAuth,
} from "@/lib/authz";
import { auth } from "@/lib/auth";

// NextAuth v4 (next-auth@4) JWT sessions: its own cookie name and key derivation.
export const v4 = createAuthz({
  session: nextAuthV4Session({ secret: () => process.env.NEXTAUTH_SECRET }),
  response: {
    challenge: `Cookie realm="app", form-action="/api/auth/signin", cookie-name="${NEXTAUTH_V4_COOKIE_NAME}"`,
  },
});

// Database sessions (or anything only Auth.js can read): go through auth(). Node runtime only.
export const viaAuth = createAuthz({ session: sessionFromAuth(auth) });

export const cookieNames = [AUTHJS_COOKIE_NAME, `__Secure-${AUTHJS_COOKIE_NAME}`]; // http, https
