"use client";
/**
 * A one-button form that calls a guarded server action and shows its answer: the kit's refusal
 * (403, 404, ...) as an alert, or what was deleted. The action never throws a refusal at the form.
 */
import { useActionState } from "react";
import type { ActionRefusal } from "@/lib/authz/action";
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
  return (
    <form action={formAction} className="inline-form">
      <input type="hidden" name="id" value={id} />
      <SubmitButton quiet pendingLabel="Deleting…">
        Delete<span className="visually-hidden"> {label}</span>
      </SubmitButton>
      {state && !state.ok ? (
        <p className="alert" role="alert">
          {state.message} ({state.status})
          {state.requestId ? <small> · request id {state.requestId}</small> : null}
        </p>
      ) : null}
      {state?.ok ? <p role="status">Deleted {label}</p> : null}
    </form>
  );
}
