/**
 * Shadow mode: a policy may carry a candidate that is evaluated beside it on the same facts and
 * never enforced, so a rule change can be read against real traffic before it is switched on.
 */
import type { Deny } from "../decide/decision";
import { AuthzConfigError } from "../errors";
import type { AccessDeclaration, Policy, PolicyRules, Subject } from "../types";
import type { ShadowOutcome } from "./event";

const shadows = new WeakMap<object, object>();

/**
 * Returns `policy` carrying `candidate` as its shadow: enforced exactly as before, with the
 * candidate's verdict in decision events wherever the two disagree.
 *
 * @example
 * const exportReports = withShadow(
 *   access.policy({ name: "export-reports", feature: "export" }),
 *   access.policy({ name: "export-reports-free", permission: "reports:export" }),
 * );
 * @see docs/decision-log.md#shadow-mode
 */
export function withShadow<D extends AccessDeclaration, const R extends PolicyRules<D>>(
  policy: Policy<D, R>,
  candidate: Policy<D>,
): Policy<D, R> {
  if (candidate.access !== policy.access)
    throw new AuthzConfigError(
      "invalid_shadow_policy",
      `withShadow(${policy.name})`,
      `the candidate "${candidate.name}" must come from the same access declaration`,
    );
  if (candidate.name === policy.name)
    throw new AuthzConfigError(
      "invalid_shadow_policy",
      `withShadow(${policy.name})`,
      "the candidate needs a name of its own",
    );
  const shadowed: Policy<D, R> = { ...policy };
  shadows.set(shadowed, candidate);
  return shadowed;
}

/** The candidate a policy carries, if any. */
export function shadowOf<D extends AccessDeclaration>(policy: Policy<D>): Policy<D> | undefined {
  // withShadow stored it after checking it shares the policy's access declaration, so its D.
  return shadows.get(policy) as Policy<D> | undefined;
}

/** What the enforced check learnt on its way, for the candidate to decide on. */
export interface CheckFacts<D extends AccessDeclaration = AccessDeclaration> {
  /** The stage the check was at when it returned. */
  stage: "ip" | "session" | "org" | "validation" | "rateLimit" | "resource";
  /** Whether the refusal came from one of the policy's own rules (what a candidate re-decides). */
  policyRefusal: boolean;
  ip: string | null;
  subject: Subject<D> | null;
  /** The org the call named (the route's `[org]` segment), for a candidate with an org rule. */
  org?: string | null;
  /** Set once a resource was loaded and found. */
  resource?: { readonly value: unknown };
}

/** A fresh facts record for one check. */
export const newFacts = <D extends AccessDeclaration>(): CheckFacts<D> => ({
  stage: "ip",
  policyRefusal: false,
  ip: null,
  subject: null,
});

const outcomeOf = (name: string, decision: Deny | null): ShadowOutcome =>
  decision === null
    ? { policy: name, outcome: "allow", status: 200 }
    : {
        policy: name,
        outcome: "deny",
        status: decision.status,
        code: decision.code,
        rule: decision.rule,
      };

/**
 * The candidate's verdict on the enforced check's facts, or null when it agrees (same outcome,
 * status and code). Pure; a candidate rule that throws counts as the kit's error refusal.
 */
export function shadowVerdict<D extends AccessDeclaration>(
  candidate: Policy<D>,
  facts: CheckFacts<D>,
  enforced: Deny | null,
): ShadowOutcome | null {
  const shared = enforced !== null && !facts.policyRefusal ? enforced : null;
  const early = shared !== null && (facts.stage === "ip" || facts.stage === "session");
  let verdict: Deny | null;
  let active: Exclude<ReturnType<NonNullable<Policy<D>["org"]>["check"]>, Deny> | undefined;
  // The candidate's org rule on the same memberships and named org; without a named org it cannot
  // decide, which counts as the kit's error refusal below.
  const checkOrg = (): Deny | null => {
    if (!candidate.org) return null;
    if (facts.org === undefined) throw new TypeError("the check named no org");
    const found = candidate.org.check(facts.subject?.memberships, facts.org);
    if ("allowed" in found) return found;
    active = found;
    return null;
  };
  try {
    verdict =
      candidate.checkAddress(facts.ip) ??
      (early ? shared : null) ??
      candidate.checkSubject(facts.subject) ??
      checkOrg() ??
      shared ??
      (facts.resource
        ? candidate.checkResource(facts.subject, facts.resource.value, active)
        : null);
  } catch {
    return { policy: candidate.name, outcome: "deny", status: 500, code: "authorization_error" };
  }
  const same =
    (verdict === null && enforced === null) ||
    (verdict !== null &&
      enforced !== null &&
      verdict.status === enforced.status &&
      verdict.code === enforced.code);
  return same ? null : outcomeOf(candidate.name, verdict);
}
