"use server";
/**
 * Sign-in and sign-out for the demo's pages, through Auth.js's own `signIn`/`signOut` (the real
 * Credentials provider and JWT cookie, not a shortcut). Every redirect target is reduced to a
 * same-origin path here on the server: form fields are client input.
 */
import { AuthError } from "next-auth";
import { signIn, signOut } from "@/lib/auth";
import { sameOriginPath } from "@/lib/authz/server";
import { DEMO_PASSWORD, findDemoUser } from "@/lib/demo/users";

/** What the sign-in form shows after a failed attempt (a success redirects instead). */
export interface SignInState {
  readonly error: string | null;
}

const WRONG_CREDENTIALS = "Wrong email or password";

function field(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

async function signInWithCredentials(
  email: string,
  password: string,
  callbackUrl: string,
): Promise<SignInState> {
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
export async function signInWithPassword(
  _previous: SignInState,
  formData: FormData,
): Promise<SignInState> {
  return signInWithCredentials(
    field(formData, "email"),
    field(formData, "password"),
    field(formData, "callbackUrl"),
  );
}

/**
 * The one-click buttons: sign in as a demo user with the published demo password (DESIGN 1.1).
 * Only the three demo emails are accepted, so this is no more than typing them into the form.
 */
export async function signInAsDemoUser(
  _previous: SignInState,
  formData: FormData,
): Promise<SignInState> {
  const user = findDemoUser(field(formData, "email"));
  if (!user) return { error: WRONG_CREDENTIALS };
  return signInWithCredentials(user.email, DEMO_PASSWORD, field(formData, "callbackUrl"));
}

/** Signs out and returns to the console. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
