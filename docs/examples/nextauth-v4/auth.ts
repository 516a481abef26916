// auth.ts: NextAuth v4's options. The kit reads JWT sessions: `sub` (v4 sets it) and `role`.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyUser } from "@/lib/users"; // yours: (email, password) => { id, role, ... } or null

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  session: { strategy: "jwt" }, // the kit reads the session token, never a database session
  providers: [
    CredentialsProvider({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      authorize: (credentials) => verifyUser(credentials?.email, credentials?.password),
    }),
  ],
  callbacks: {
    // At sign-in only (`user` is set then): copy the claims the kit reads into the token.
    jwt({ token, user }) {
      if (user) token.role = (user as { role?: string }).role;
      return token;
    },
  },
};
