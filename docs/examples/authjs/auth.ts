// auth.ts: Auth.js v5's setup. The kit reads JWT sessions: `sub` (Auth.js sets it) and `role`.
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { authJsSecrets } from "@/lib/authz";
import { verifyUser } from "@/lib/users"; // yours: (email, password) => { id, role, ... } or null

export const { handlers, auth } = NextAuth({
  secret: authJsSecrets(process.env), // the secrets the kit reads, read the same way
  session: { strategy: "jwt" }, // the kit reads the session token, never a database session
  trustHost: true, // `next start` behind your own proxy; on Vercel Auth.js knows the host
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      authorize: ({ email, password }) => verifyUser(String(email), String(password)),
    }),
  ],
  callbacks: {
    // At sign-in only (`user` is set then): copy the claims the kit reads into the token.
    jwt({ token, user }) {
      if (user) token.role = (user as { role?: string }).role;
      return token;
    },
  },
});
