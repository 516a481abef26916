// Where sessions come from: pick the source that matches your app.
// NextAuth v4 JWT sessions: nextAuthV4Session, in the NextAuth v4 recipe (Install by copy).
import { AUTHJS_COOKIE_NAME, createAuthz, sessionFromAuth } from "@/lib/authz";
import { auth } from "@/lib/auth";

// Database sessions (or anything only Auth.js can read): go through auth(). Node runtime only.
export const viaAuth = createAuthz({ session: sessionFromAuth(auth) });

export const cookieNames = [AUTHJS_COOKIE_NAME, `__Secure-${AUTHJS_COOKIE_NAME}`]; // http, https
