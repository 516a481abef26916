// What the probe expects of each caller, from the declared policies, and what it read from the
// answer: the two sides every cell of the probe's matrix compares.
// @see docs/entry-points.md#what-the-probe-calls
import { acceptedKinds, isUnguarded } from "./entries-node.mjs";

/** The credential kinds of programs the probe calls routes with, in its column order. */
export const PROGRAM_KINDS = ["bearer", "api_key"];

/** The credential kind a `WWW-Authenticate` challenge asks for: its scheme, as the kit writes it. */
export function challengeKind(header) {
  const scheme = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/.exec(header ?? "")?.[1]?.toLowerCase();
  if (!scheme) return null;
  return scheme === "bearer" ? "bearer" : scheme === "apikey" ? "api_key" : "session";
}

/**
 * What the declaration says for a program's credential of `kind` on a route: "accepted" when
 * every layer takes the kind, else "not accepted (<kinds>)": 401 credential_not_accepted, with the
 * challenge of one of the kinds the refusing layer takes. A policy that needs no subject ignores a
 * credential it does not take (the caller is anonymous there).
 */
export function expectedForCredential(entry, kind) {
  const layers = [...(entry.middlewareRules ?? []).map((r) => r.policyValue), entry.policyValue];
  for (const policy of layers) {
    if (!policy?.requiresSubject) continue;
    const accepts = acceptedKinds({ kind: entry.kind, policy: policy.name, policyValue: policy });
    if (!accepts.includes(kind)) return `not accepted (${accepts.join(", ")})`;
  }
  return "accepted";
}

/** Whether a program's answer is what {@link expectedForCredential} says. */
export function matchesCredential(expected, { status, code, challenge }) {
  if (expected === "accepted") return status !== 400 && status !== 401 && status < 500;
  const kinds = /^not accepted \((.*)\)$/.exec(expected)?.[1]?.split(", ") ?? [];
  return (
    status === 401 && code === "credential_not_accepted" && kinds.includes(challengeKind(challenge))
  );
}

/**
 * What the declaration says for one caller: "401", "403", "allowed", "org" (an org rule decides by
 * the caller's memberships in the URL's org: 200, 403 or 404), "refused" or "unknown".
 */
export function expectedFor(entry, claims, clientIp) {
  const layers = [...(entry.middlewareRules ?? []).map((r) => r.policyValue), entry.policyValue];
  for (const policy of layers) {
    if (!policy) continue;
    if (policy.rules.ip) {
      const refused = policy.checkAddress(clientIp);
      if (refused) return String(refused.status);
    }
    const subject = claims ? policy.access.parseSubject(claims) : null;
    const refused = policy.checkSubject(subject);
    if (refused) return String(refused.status);
  }
  if (isUnguarded(entry)) return claims ? "unknown" : "refused";
  if (entry.policy && !entry.policyValue) return "unknown";
  // Public: the kit promises nothing about the answer (a refusal page may answer 403), only that
  // it is not a crash.
  if (!entry.policy) return "public";
  return layers.some((policy) => policy?.org) ? "org" : "allowed";
}

/** Reads what a caller got: "401", "signin", "403", "404", "200", "500", ... */
export function observedOf(response, body, kind) {
  const status = response.status;
  const location =
    response.headers.get("location") ?? response.headers.get("x-action-redirect") ?? "";
  if (status >= 300 && status < 400)
    return /callbackUrl=|signin|login/i.test(location) ? "signin" : `redirect ${status}`;
  if (kind === "rsc" && status === 200) {
    // A refusal inside a client navigation travels in the payload, not in the status.
    if (/NEXT_REDIRECT/.test(body))
      return /callbackUrl|signin|login/i.test(body) ? "signin" : "redirect";
    if (/NEXT_HTTP_ERROR_FALLBACK;403/.test(body)) return "403";
    if (/NEXT_HTTP_ERROR_FALLBACK;401/.test(body)) return "401";
    if (/NEXT_HTTP_ERROR_FALLBACK;404|NEXT_NOT_FOUND/.test(body)) return "404";
  }
  if (kind === "action" && status === 200) {
    if (response.headers.get("x-action-redirect")) {
      const target = response.headers.get("x-action-redirect");
      return /callbackUrl=|signin|login/i.test(target) ? "signin" : "ran";
    }
    for (const line of body.split("\n")) {
      const json = line.slice(line.indexOf(":") + 1);
      if (!json.startsWith("{") || !json.includes('"ok":false')) continue;
      try {
        const value = JSON.parse(json);
        if (value && value.ok === false && typeof value.status === "number")
          return String(value.status);
      } catch {
        // not the action's result
      }
    }
    return "ran";
  }
  return String(status);
}

/** Whether an observation is what the declaration expects. */
export function matches(expected, observed) {
  const refusal = ["401", "signin", "403", "404"];
  if (expected === "unknown") return true;
  if (observed === "500" || /^5\d\d$/.test(observed)) return false;
  if (expected === "401") return observed === "401" || observed === "signin";
  if (expected === "403") return observed === "403";
  if (expected === "refused") return refusal.includes(observed);
  if (expected === "allowed") return !["401", "signin", "403"].includes(observed);
  if (expected === "org") return !["401", "signin"].includes(observed);
  if (expected === "public") return !observed.startsWith("error");
  return expected === observed;
}
