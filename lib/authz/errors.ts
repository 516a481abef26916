/**
 * The kit's one configuration error. Every wrong option is found where it is given (a declaration,
 * a policy, a path rule, a route, a store, a session reader), so a misconfigured app stops at
 * start-up with one of these instead of refusing, or worse allowing, requests later.
 */

/** What was configured wrongly: stable, so tooling and tests can branch on it. */
export type AuthzConfigErrorCode =
  | "invalid_access_declaration"
  | "invalid_policy"
  | "invalid_path_rule"
  | "invalid_middleware_options"
  | "invalid_route"
  | "invalid_action"
  | "invalid_page_guard"
  | "invalid_cidr"
  | "invalid_proxy_trust"
  | "invalid_duration"
  | "invalid_session_options"
  | "invalid_store_options"
  | "invalid_rate_limit_rule"
  | "invalid_authz_options"
  | "invalid_next_config";

/**
 * A configuration mistake, thrown when the option is given. A `TypeError`, with a stable `code` and
 * one message format: `Invalid <what>: <why>`.
 *
 * @example
 * try {
 *   access.policy({ name: "admin", role: "admn" });
 * } catch (error) {
 *   if (error instanceof AuthzConfigError) console.error(error.code, error.message);
 *   // invalid_policy Invalid policy "admin": unknown role "admn"
 * }
 */
export class AuthzConfigError extends TypeError {
  override readonly name = "AuthzConfigError";
  readonly code: AuthzConfigErrorCode;

  constructor(code: AuthzConfigErrorCode, what: string, why: string) {
    super(`Invalid ${what}: ${why}`);
    this.code = code;
  }
}
