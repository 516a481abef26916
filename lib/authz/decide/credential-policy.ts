/**
 * A policy's credential rules: which kinds of credential it accepts, the scopes a program's
 * credential must hold, and how recent the sign-in must be. Compiled once with the policy; the
 * checks are pure, and every refusal carries its standard answer (RFC 6750, RFC 9470).
 *
 * @see docs/credentials.md#credential-kinds
 */
import { deny, type Deny } from "./decision";
import { parseDuration } from "./duration";
import type { Authenticated, CredentialKind } from "../session/credential";
import type { AccessDeclaration, CredentialRules, FreshOptions, PolicyRules } from "../types";

/** What a policy says about credentials, before checking. */
type CredentialRuleInput = Pick<
  PolicyRules<AccessDeclaration>,
  "accepts" | "scopes" | "fresh" | "authoritative"
>;

const KINDS: readonly CredentialKind[] = ["session", "bearer", "api_key"];
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Checks a policy's credential rules; `invalid` throws the policy's `AuthzConfigError`.
 *
 * @example
 * compileCredentialRules({ accepts: ["session", "bearer"], scopes: ["reports:export"] }, invalid);
 */
export function compileCredentialRules(
  rules: CredentialRuleInput,
  invalid: (why: string) => never,
): CredentialRules {
  const accepts = rules.accepts ?? ["session"];
  if (!Array.isArray(accepts) || accepts.length === 0)
    invalid("accepts must list at least one kind");
  for (const kind of accepts)
    if (!KINDS.includes(kind))
      invalid(`accepts: unknown credential kind ${JSON.stringify(kind)} (use ${KINDS.join(", ")})`);
  if (new Set(accepts).size !== accepts.length) invalid("accepts lists a kind twice");

  const scopes = rules.scopes ?? [];
  if (!Array.isArray(scopes)) invalid("scopes must be a list");
  if (rules.scopes !== undefined && scopes.length === 0) invalid("scopes list is empty");
  for (const scope of scopes)
    if (typeof scope !== "string" || !SCOPE_TOKEN.test(scope))
      invalid(`scope ${JSON.stringify(scope)} is not an OAuth scope token`);
  if (scopes.length > 0 && !accepts.some((k) => k !== "session"))
    invalid("scopes apply to bearer tokens and API keys, and the policy accepts neither");

  let freshMaxAge: number | undefined;
  let freshAcr: readonly string[] = [];
  let freshAmr: readonly string[] = [];
  if (rules.fresh !== undefined) {
    const fresh: FreshOptions =
      typeof rules.fresh === "object" ? rules.fresh : { maxAge: rules.fresh };
    let ms = 0;
    try {
      ms = parseDuration(fresh.maxAge);
    } catch (error) {
      invalid(`fresh.maxAge: ${error instanceof Error ? error.message : "bad duration"}`);
    }
    if (ms % 1000 !== 0) invalid("fresh.maxAge must be whole seconds");
    freshMaxAge = ms / 1000;
    freshAcr =
      fresh.acr === undefined ? [] : typeof fresh.acr === "string" ? [fresh.acr] : fresh.acr;
    freshAmr = fresh.amr ?? [];
    for (const value of [...freshAcr, ...freshAmr])
      if (typeof value !== "string" || value === "" || /[\s"\\]/.test(value))
        invalid(`fresh: ${JSON.stringify(value)} is not a usable acr or amr value`);
    // An API key is never an interactive sign-in: a fresh rule could only ever refuse it.
    if (accepts.includes("api_key"))
      invalid("fresh needs a sign-in time, which API keys never have; drop api_key or fresh");
  }
  if (rules.authoritative !== undefined && typeof rules.authoritative !== "boolean")
    invalid("authoritative must be true or false");

  return {
    accepts,
    scopes,
    freshMaxAge,
    freshAcr,
    freshAmr,
    authoritative: rules.authoritative === true,
  };
}

const KIND_LABEL: Readonly<Record<CredentialKind, string>> = {
  session: "browser sessions",
  bearer: "bearer access tokens",
  api_key: "API keys",
};

/**
 * The refusal for a credential of a kind the policy does not accept: 401 with the challenge of a
 * kind it does accept (`challenge`), and the accepted kinds in the body.
 *
 * @example
 * notAccepted("api_key", rules.accepts, 'Cookie realm="app"');
 */
export function notAccepted(
  kind: CredentialKind,
  accepts: readonly CredentialKind[],
  challenge: string,
  message = `This endpoint does not accept ${KIND_LABEL[kind]}`,
): Deny {
  return deny("credential_not_accepted", message, {
    rule: "credential",
    headers: { "WWW-Authenticate": challenge },
    details: { accepted: accepts },
  });
}

/**
 * The scopes check: a bearer token or API key must hold every scope the policy names (cookie
 * sessions are not scoped). A miss is 403 `insufficient_scope`, with RFC 6750's challenge for
 * bearer tokens (`bearerChallenge` builds it from its params).
 *
 * @example
 * checkScopes(rules, auth, (params) => formatChallenge(bearer, params));
 */
export function checkScopes(
  rules: CredentialRules,
  auth: Authenticated,
  bearerChallenge: (params: Readonly<Record<string, string>>) => string,
): Deny | null {
  if (auth.credential === "session" || rules.scopes.length === 0) return null;
  const held = new Set(auth.scopes ?? []);
  if (rules.scopes.every((scope) => held.has(scope))) return null;
  const scope = rules.scopes.join(" ");
  return deny("insufficient_scope", `Requires scope ${scope}`, {
    rule: "scope",
    headers:
      auth.credential === "bearer"
        ? { "WWW-Authenticate": bearerChallenge({ error: "insufficient_scope", scope }) }
        : {},
    details: { scope },
  });
}

/**
 * The fresh sign-in check: a sign-in at most `freshMaxAge` seconds ago (with the `acr`/`amr`
 * asked for). A source that cannot tell when its user signed in fails it. A cookie session gets
 * 401 `reauthentication_required` with `max_age`; a bearer token RFC 9470's
 * `insufficient_user_authentication` challenge.
 *
 * @example
 * checkFresh(rules, auth, Date.now() / 1000, cookieChallenge, bearerChallenge);
 */
export function checkFresh(
  rules: CredentialRules,
  auth: Authenticated,
  nowSec: number,
  sessionChallenge: string,
  bearerChallenge: (params: Readonly<Record<string, string>>) => string,
): Deny | null {
  const maxAge = rules.freshMaxAge;
  if (maxAge === undefined) return null;
  const recent =
    typeof auth.authTime === "number" &&
    Number.isFinite(auth.authTime) &&
    nowSec - auth.authTime <= maxAge &&
    // A sign-in "in the future" beyond a minute's skew is not a sign-in this clock can trust.
    auth.authTime <= nowSec + 60;
  const acrOk = rules.freshAcr.length === 0 || rules.freshAcr.includes(auth.acr ?? "");
  const amrOk = rules.freshAmr.every((method) => auth.amr?.includes(method) === true);
  if (recent && acrOk && amrOk) return null;
  const acrValues = rules.freshAcr.join(" ");
  const details = { max_age: maxAge, ...(acrValues ? { acr_values: acrValues } : {}) };
  if (auth.credential === "bearer") {
    return deny("insufficient_user_authentication", "A more recent sign-in is required", {
      rule: "fresh",
      headers: {
        "WWW-Authenticate": bearerChallenge({
          error: "insufficient_user_authentication",
          error_description: "A more recent sign-in is required",
          max_age: String(maxAge),
          ...(acrValues ? { acr_values: acrValues } : {}),
        }),
      },
      details,
    });
  }
  return deny("reauthentication_required", "Sign in again to confirm it's you", {
    rule: "fresh",
    headers: { "WWW-Authenticate": sessionChallenge },
    details,
  });
}
