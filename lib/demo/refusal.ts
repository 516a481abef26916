/**
 * What the demo's 403 page may say about a refusal: the declared requirement the visitor's own
 * session misses (a role, a permission, a plan with its upgrade link), re-derived from the policy
 * the refusal names and the visitor's subject. The name alone comes from the request (middleware's
 * REFUSED_POLICY_HEADER, which a client can send too), so nothing in it is trusted: the policy is
 * looked up among the declared ones and checked again. A policy that conceals (an org or resource
 * rule, whose refusals are 404s that say nothing) or a refusal the claims do not explain (an
 * address, a rate limit) gets null, and the page stays generic. Edge-safe, no I/O.
 */
import { policies, type AccessDeclarationOfDemo } from "@/lib/access";
import type { Policy, Subject } from "@/lib/authz";

type DemoPolicy = Policy<AccessDeclarationOfDemo>;
type DemoSubject = Subject<AccessDeclarationOfDemo>;

export interface RefusalExplanation {
  /** The kit's own sentence for the refusal, e.g. "Requires admin role". */
  readonly message: string;
  /** For a plan refusal: the plan that unlocks it and where to upgrade. */
  readonly upgrade?: { readonly plan: string; readonly url: string };
}

const declared = new Map<string, DemoPolicy>(
  Object.values(policies).map((policy: DemoPolicy) => [policy.name, policy]),
);

/** Explains why `subject` is refused by the declared policy named `policyName`, or null. */
export function explainRefusal(
  policyName: string | null | undefined,
  subject: DemoSubject | null,
): RefusalExplanation | null {
  if (!policyName || subject === null) return null;
  const policy = declared.get(policyName);
  if (!policy || policy.org !== undefined || policy.rules.resource !== undefined) return null;
  // Pure: the role, permission and feature rules against the visitor's own claims.
  const deny = policy.checkSubject(subject);
  if (deny === null || deny.status !== 403) return null;
  const { required_plan: plan, upgrade_url: url } = deny.details;
  return {
    message: deny.message,
    ...(typeof plan === "string" && typeof url === "string" ? { upgrade: { plan, url } } : {}),
  };
}
