"use server";
/**
 * Sign-in and sign-out for the demo's pages, through Auth.js's own `signIn`/`signOut` (the real
 * Credentials provider and JWT cookie, not a shortcut), or Better Auth's own `signInEmail` and
 * `signOut` with AUTH_PROVIDER=better-auth. Every redirect target is reduced to a same-origin path
 * here on the server: form fields are client input.
 */
import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import * as z from "zod";
import { signIn, signOut } from "@/lib/auth";
import { policies } from "@/lib/access";
import { withAuthorizationAction } from "@/lib/authz-node";
import { AUTH_PROVIDER } from "@/lib/auth-provider";
import { demoBetterAuth } from "@/lib/better-auth";
import { publicAction } from "@/lib/authz/action";
import { sameOriginPath } from "@/lib/authz/server";
import { DEMO_PASSWORD, findDemoUser } from "@/lib/demo/users";

/**
 * What the sign-in form shows after a failed attempt (a success redirects instead). The kit's
 * refusal of malformed input (400) fits it as it is: it carries `error` too.
 */
export interface SignInState {
  readonly error: string | null;
}

const WRONG_CREDENTIALS = "Wrong email or password";

// Both forms post these fields; anything else (no FormData at all, a number, a 1 MB email) is a
// 400 refusal from the kit, never a crash.
const credentialsInput = z.object({
  email: z.string().max(320),
  password: z.string().max(1024),
  callbackUrl: z.string().max(2048).default("/"),
});
const demoUserInput = z.object({
  email: z.string().max(320),
  callbackUrl: z.string().max(2048).default("/"),
});

async function signInWithCredentials(
  email: string,
  password: string,
  callbackUrl: string,
): Promise<SignInState> {
  if (AUTH_PROVIDER === "better-auth") {
    try {
      // Better Auth's cookies reach the browser through its nextCookies() plugin.
      const auth = await demoBetterAuth();
      await auth.api.signInEmail({ body: { email, password }, headers: await headers() });
    } catch {
      return { error: WRONG_CREDENTIALS };
    }
    redirect(sameOriginPath(callbackUrl));
  }
  try {
    // Throws Next's redirect on success: it must propagate, so only Auth.js errors are caught.
    await signIn("credentials", { email, password, redirectTo: sameOriginPath(callbackUrl) });
  } catch (error) {
    // CredentialsSignin (wrong password, unknown user) and other AuthErrors: one answer that does
    // not tell which accounts exist.
    if (error instanceof AuthError) return { error: WRONG_CREDENTIALS };
    throw error;
  }
  return { error: null };
}

/** The email/password form of `/signin` (used with `useActionState`). */
export const signInWithPassword = publicAction(
  "signs a visitor in: it is how a session starts",
  { input: credentialsInput },
  ({ email, password, callbackUrl }) => signInWithCredentials(email, password, callbackUrl),
);

/**
 * The one-click buttons: sign in as a demo user with the published demo password.
 * Only the three demo emails are accepted, so this is no more than typing them into the form.
 */
export const signInAsDemoUser = publicAction(
  "signs a visitor in as a published demo account: it is how a session starts",
  { input: demoUserInput },
  async ({ email, callbackUrl }): Promise<SignInState> => {
    const user = findDemoUser(email);
    if (!user) return { error: WRONG_CREDENTIALS };
    return signInWithCredentials(user.email, DEMO_PASSWORD, callbackUrl);
  },
);

/** Signs out and returns to the console. */
export const signOutAction = publicAction(
  "signs the caller out: ending a session needs none",
  async (): Promise<void> => {
    if (AUTH_PROVIDER === "better-auth") {
      const auth = await demoBetterAuth();
      await auth.api.signOut({ headers: await headers() });
      redirect("/");
    }
    await signOut({ redirectTo: "/" });
  },
);

/** What the "confirm it's you" form shows: confirmed (the caller then retries), or why not. */
export type ConfirmResult =
  { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * "Confirm it's you": the signed-in user signs in again with their password, which renews the
 * session's auth_time, so a policy with a fresh sign-in rule (the admin delete: 10 minutes)
 * passes on the next try. The email is the session's own, never a form field.
 */
export const confirmIdentity = withAuthorizationAction(
  policies.signedIn,
  { input: z.object({ password: z.string().max(1024) }) },
  async ({ password }, { subject }): Promise<ConfirmResult> => {
    if (!subject.email) return { ok: false, message: WRONG_CREDENTIALS };
    try {
      await signIn("credentials", { email: subject.email, password, redirect: false });
    } catch (error) {
      if (error instanceof AuthError) return { ok: false, message: WRONG_CREDENTIALS };
      throw error;
    }
    return { ok: true };
  },
);
