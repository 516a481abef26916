/**
 * The demo's full Auth.js setup: the Credentials provider with the three demo users.
 * Route handlers and server code import this; middleware reads sessions through the kit instead.
 */
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import * as z from "zod";
import { authJsSecrets } from "@/lib/authz";
import { authConfig } from "./auth.config";
import { DEMO_PASSWORD, findDemoUser } from "./demo/users";

const credentialsSchema = z.object({
  email: z.string().email().max(254),
  password: z.string().min(1).max(256),
});

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  // The kit reads sessions with the same list (lib/authz-edge.ts): one reading of the secrets for both.
  secret: authJsSecrets(process.env),
  logger: {
    // A wrong password is an everyday answer (the form says so), not a server error to log.
    error(error) {
      if (error.name === "CredentialsSignin") return;
      console.error(`[auth][error] ${error.name}: ${error.message}`);
    },
  },
  providers: [
    Credentials({
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const user = findDemoUser(parsed.data.email);
        // Demo accounts share one published password; a real app checks a hash here.
        if (!user || parsed.data.password !== DEMO_PASSWORD) return null;
        return {
          id: user.id,
          email: user.email,
          name: user.name,
          role: user.role,
          tenant: user.tenant,
          plan: user.plan,
        };
      },
    }),
  ],
});
