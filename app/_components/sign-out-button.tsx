import { signOutAction } from "../_actions/session";
import { SubmitButton } from "./submit-button";

/** Signs out through Auth.js and returns to the console. */
export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <SubmitButton quiet pendingLabel="Signing out…">
        Sign out
      </SubmitButton>
    </form>
  );
}
