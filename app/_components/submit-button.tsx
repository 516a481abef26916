"use client";
import type { ReactNode } from "react";
import { useFormStatus } from "react-dom";

/** A submit button that says it is working while its form's server action runs. */
export function SubmitButton({
  children,
  pendingLabel,
  quiet = false,
}: {
  children: ReactNode;
  pendingLabel: string;
  quiet?: boolean;
}) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={quiet ? "button button--quiet" : "button"} disabled={pending}>
      {pending ? pendingLabel : children}
    </button>
  );
}
