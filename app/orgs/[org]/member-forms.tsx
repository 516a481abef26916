"use client";
/**
 * The org admin's controls: change a member's role, remove a member, add one. Each form calls a
 * guarded server action bound to this page's org and shows what it answered.
 */
import { useActionState } from "react";

/** What a member form shows: the action's answer, or the kit's refusal (same two fields). */
interface MemberActionState {
  readonly ok: boolean;
  readonly message: string | null;
}
/** A guarded action bound to this page's org: `(state, formData)` from `useActionState`. */
type MemberAction = (state: MemberActionState, formData: FormData) => Promise<MemberActionState>;

const IDLE: MemberActionState = { ok: true, message: null };
const ROLES = ["member", "admin"] as const;

function Outcome({ state, id }: { state: MemberActionState; id: string }) {
  return (
    <span role="status" id={id} className={state.ok ? "hint" : "hint hint--error"}>
      {state.message ?? ""}
    </span>
  );
}

/** One member's row controls: a role select with Save, and Remove. */
export function MemberControls({
  userId,
  email,
  role,
  save,
  remove,
}: {
  userId: string;
  email: string;
  role: string;
  save: MemberAction;
  remove: MemberAction;
}) {
  const [saved, saveAction, saving] = useActionState(save, IDLE);
  const [removed, removeAction, removing] = useActionState(remove, IDLE);
  const who = email || userId;
  return (
    <div className="member-controls">
      <form action={saveAction} className="member-form">
        <input type="hidden" name="userId" value={userId} />
        <label className="visually-hidden" htmlFor={`role-${userId}`}>
          Org role of {who}
        </label>
        <select id={`role-${userId}`} name="role" defaultValue={role}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="button button--quiet" disabled={saving}>
          Save<span className="visually-hidden"> role of {who}</span>
        </button>
      </form>
      <form action={removeAction} className="member-form">
        <input type="hidden" name="userId" value={userId} />
        <button type="submit" className="button button--quiet" disabled={removing}>
          Remove<span className="visually-hidden"> {who}</span>
        </button>
      </form>
      <Outcome state={removed.message ? removed : saved} id={`outcome-${userId}`} />
    </div>
  );
}

/** Adds a demo user to the org with a role. */
export function AddMemberForm({
  candidates,
  save,
}: {
  candidates: readonly { userId: string; email: string }[];
  save: MemberAction;
}) {
  const [state, action, pending] = useActionState(save, IDLE);
  if (candidates.length === 0) return <p className="hint">Every demo user is a member.</p>;
  return (
    <form action={action} className="member-form">
      <div className="field">
        <label htmlFor="add-user">User</label>
        <select id="add-user" name="userId">
          {candidates.map((c) => (
            <option key={c.userId} value={c.userId}>
              {c.email}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="add-role">Org role</label>
        <select id="add-role" name="role" defaultValue="member">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button" disabled={pending}>
        Add member
      </button>
      <Outcome state={state} id="outcome-add" />
    </form>
  );
}
