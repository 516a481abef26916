"use client";
/**
 * A one-button form that calls a guarded server action and shows its answer: the kit's refusal
 * (403, 404, ...) as an alert, or what was deleted. The action never throws a refusal at the form.
 * A refusal for a sign-in that is too old (`reauthentication_required`) asks the user to confirm
 * it's them: their password signs them in again, and the delete is retried.
 */
import { useActionState, useEffect, useRef } from "react";
import type { ActionRefusal } from "@/lib/authz/action";
import { confirmIdentity, type ConfirmResult } from "../_actions/session";
import { SubmitButton } from "./submit-button";

/** What a delete action answers: what it deleted, or the kit's refusal. */
export type DeleteResult = { readonly ok: true; readonly deleted: string } | ActionRefusal;

export function DeleteForm({
  action,
  id,
  label,
}: {
  action: (previous: DeleteResult | null, form: FormData) => Promise<DeleteResult>;
  id: string;
  /** What is deleted, for the button's accessible name ("Delete Bob"). */
  label: string;
}) {
  const [state, formAction] = useActionState<DeleteResult | null, FormData>(action, null);
  const [confirmed, confirmAction] = useActionState<ConfirmResult | ActionRefusal | null, FormData>(
    confirmIdentity,
    null,
  );
  const deleteForm = useRef<HTMLFormElement>(null);
  // Signed in again: retry the delete once, with the renewed session.
  useEffect(() => {
    if (confirmed?.ok) deleteForm.current?.requestSubmit();
  }, [confirmed]);
  const stale = state && !state.ok && state.code === "reauthentication_required";
  return (
    <>
      <form ref={deleteForm} action={formAction} className="inline-form">
        <input type="hidden" name="id" value={id} />
        <SubmitButton quiet pendingLabel="Deleting…">
          Delete<span className="visually-hidden"> {label}</span>
        </SubmitButton>
        {state && !state.ok && !stale ? (
          <p className="alert" role="alert">
            {state.message} ({state.status})
            {state.requestId ? <small> · request id {state.requestId}</small> : null}
          </p>
        ) : null}
        {state?.ok ? <p role="status">Deleted {label}</p> : null}
      </form>
      {stale ? (
        <form action={confirmAction} className="inline-form" aria-label="Confirm it's you">
          <p role="alert">
            Confirm it’s you: deleting a user needs a sign-in within the last{" "}
            {Math.round(Number(state.details.max_age ?? 600) / 60)} minutes.
          </p>
          <label>
            Password{" "}
            <input type="password" name="password" autoComplete="current-password" required />
          </label>
          <SubmitButton pendingLabel="Confirming…">Confirm and delete</SubmitButton>
          {confirmed && !confirmed.ok ? (
            <p className="alert" role="alert">
              {confirmed.message}
            </p>
          ) : null}
        </form>
      ) : null}
    </>
  );
}
