/** The refusal a server action returns: plain data a form renders, never a thrown redirect. */
import type { Deny, DenyCode, DenyDetails, DenyStatusCode } from "../decide/decision";

/**
 * What a server action gets back when a policy refuses: plain data, safe to return to the client.
 * Besides its own fields it carries the ones form states usually have (`error`, `success`,
 * `errors` per field), so it fits a `useActionState` state such as `{ message?: string; errors?:
 * { email?: string[] } }`, `{ error: string | null }` or `{ success: boolean; message: string }`
 * as that state is written.
 */
export interface ActionRefusal {
  readonly ok: false;
  /** Always false: for form states that say `success`. */
  readonly success: false;
  readonly status: DenyStatusCode;
  readonly code: DenyCode;
  readonly message: string;
  /** The message again, for form states that say `error`. */
  readonly error: string;
  /** Invalid input only: the messages per field path (`{ email: ["Invalid email"] }`). */
  readonly errors?: Readonly<Record<string, string[]>>;
  readonly details: DenyDetails;
  /** The id the decision log recorded this refusal under (with a log): for the user to quote. */
  readonly requestId?: string;
}

/**
 * Turns the refusal of a check into the plain object a form renders, with the request's id when
 * the kit keeps a decision log.
 *
 * @example
 * if (!decision.allowed) return actionRefusal(decision, await authz.requestId?.(request));
 */
export function actionRefusal(decision: Deny, requestId?: string | null): ActionRefusal {
  const errors = fieldErrors(decision.details.issues);
  return {
    ok: false,
    success: false,
    status: decision.status,
    code: decision.code,
    message: decision.message,
    error: decision.message,
    ...(errors ? { errors } : {}),
    details: decision.details,
    ...(typeof requestId === "string" ? { requestId } : {}),
  };
}

/** Validation issues (`[{ path, message }]`) as messages per field path, or undefined. */
function fieldErrors(issues: unknown): Record<string, string[]> | undefined {
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  // A Map, then fromEntries: a field named `__proto__` stays a plain own property.
  const byPath = new Map<string, string[]>();
  for (const issue of issues as readonly unknown[]) {
    if (typeof issue !== "object" || issue === null) continue;
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (typeof path !== "string" || typeof message !== "string") continue;
    const messages = byPath.get(path);
    if (messages) messages.push(message);
    else byPath.set(path, [message]);
  }
  return byPath.size > 0 ? Object.fromEntries(byPath) : undefined;
}
