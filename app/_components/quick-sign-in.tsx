"use client";
/**
 * One button per demo user. A single form whose submit buttons carry the email (`name="email"`), so
 * the server action learns which one was pressed; the password never leaves the server.
 */
import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { signInAsDemoUser, type SignInState } from "../_actions/session";

export interface QuickUser {
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly tenant: string;
  readonly plan: string;
}

function UserButton({ user, current }: { user: QuickUser; current: boolean }) {
  const { pending, data } = useFormStatus();
  const busy = pending && data?.get("email") === user.email;
  return (
    <button
      type="submit"
      name="email"
      value={user.email}
      className="user-button"
      aria-current={current ? "true" : undefined}
      disabled={pending}
    >
      <span className="user-button__name">
        <span className="visually-hidden">Sign in as </span>
        {user.name}
        {current ? " (signed in)" : ""}
      </span>
      <span className="user-button__meta">
        {busy ? "Signing in…" : `${user.role} · ${user.tenant} · ${user.plan}`}
      </span>
    </button>
  );
}

export function QuickSignIn({
  users,
  currentEmail,
  callbackUrl,
  headingId,
}: {
  users: readonly QuickUser[];
  currentEmail: string | null;
  callbackUrl: string;
  headingId: string;
}) {
  const [state, formAction] = useActionState<SignInState, FormData>(signInAsDemoUser, {
    error: null,
  });
  // The form's own message, or the kit's refusal of malformed input (it says `error` too).
  const { error } = state;
  return (
    <form action={formAction} aria-labelledby={headingId}>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {error ? (
        <p className="alert" role="alert">
          {error}
        </p>
      ) : null}
      <ul className="users">
        {users.map((user) => (
          <li key={user.email}>
            <UserButton user={user} current={user.email === currentEmail} />
          </li>
        ))}
      </ul>
    </form>
  );
}
