/**
 * The kit's one configuration error, thrown where a wrong option is given, so a misconfigured app
 * stops at start-up instead of refusing, or worse allowing, requests later.
 *
 * @see docs/configuration-errors.md
 */

/**
 * What was configured wrongly: stable, so tooling and tests can branch on it.
 *
 * @see docs/configuration-errors.md#codes
 */
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
  | "invalid_decision_log_options"
  | "invalid_shadow_policy"
  | "invalid_subject_options"
  | "invalid_next_config"
  | "invalid_api_key_options"
  | "invalid_bearer_options";

/**
 * A configuration mistake: a `TypeError` with a stable `code` and the message `Invalid <what>: <why>`.
 *
 * @example
 * if (error instanceof AuthzConfigError) console.error(error.code, error.message); // invalid_policy Invalid policy "admin": unknown role "admn"
 * @see docs/configuration-errors.md
 */
export class AuthzConfigError extends TypeError {
  override readonly name = "AuthzConfigError";
  readonly code: AuthzConfigErrorCode;

  constructor(code: AuthzConfigErrorCode, what: string, why: string) {
    super(`Invalid ${what}: ${why}`);
    this.code = code;
  }
}
