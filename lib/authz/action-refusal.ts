/** The refusal a server action returns: plain data a form renders, never a thrown redirect. */
import type { Deny, DenyCode, DenyDetails, DenyStatusCode } from "./decision";

/** What a server action gets back when a policy refuses: plain data, safe to return to the client. */
export interface ActionRefusal {
  readonly ok: false;
  readonly status: DenyStatusCode;
  readonly code: DenyCode;
  readonly message: string;
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
  return {
    ok: false,
    status: decision.status,
    code: decision.code,
    message: decision.message,
    details: decision.details,
    ...(typeof requestId === "string" ? { requestId } : {}),
  };
}
