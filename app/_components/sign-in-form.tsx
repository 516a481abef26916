"use client";
import { useActionState, useId, useState } from "react";
import { signInWithPassword, type SignInState } from "../_actions/session";
import { SubmitButton } from "./submit-button";

/** The email/password form; a wrong password keeps the email and says so, nothing more. */
export function SignInForm({
  callbackUrl,
  initialError,
}: {
  callbackUrl: string;
  initialError: string | null;
}) {
  const [state, formAction] = useActionState<SignInState, FormData>(signInWithPassword, {
    error: initialError,
  });
  // The form's own message, or the kit's refusal of malformed input (it says `error` too).
  const { error } = state;
  // Controlled, so React's reset of the form after the action does not clear what was typed.
  const [email, setEmail] = useState("");
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <form action={formAction}>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {error ? (
        <p className="alert" role="alert" id={errorId}>
          {error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          aria-describedby={error ? errorId : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-describedby={`${id}-password-hint`}
        />
        <span className="hint" id={`${id}-password-hint`}>
          Every demo account uses the password <code>demo</code>.
        </span>
      </div>
      <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
