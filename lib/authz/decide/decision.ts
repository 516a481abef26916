/**
 * Every reason the kit refuses, as a stable snake_case code, with its default HTTP status. One
 * table, like tRPC's error-code map: a response's status comes from here unless a policy chose
 * otherwise (a rate limit may answer 403 instead of 429).
 */
export const DenyStatus = {
  invalid_request: 400,
  unauthenticated: 401,
  session_invalid: 401,
  invalid_signature: 401,
  stale_request: 401,
  replayed_request: 401,
  credential_not_accepted: 401,
  invalid_token: 401,
  invalid_api_key: 401,
  insufficient_user_authentication: 401,
  reauthentication_required: 401,
  insufficient_scope: 403,
  ip_not_allowed: 403,
  address_unknown: 403,
  cross_site_request: 403,
  role_required: 403,
  permission_required: 403,
  plan_required: 403,
  tenant_mismatch: 403,
  owner_required: 403,
  org_role_required: 403,
  org_permission_required: 403,
  not_found: 404,
  last_org_admin: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  authorization_error: 500,
  authorization_unavailable: 503,
} as const;

/** A stable reason for a refusal; clients may branch on it. */
export type DenyCode = keyof typeof DenyStatus;
/** The statuses the kit answers with. */
export type DenyStatusCode = (typeof DenyStatus)[DenyCode];

/** A field a refusal adds to its body next to `error`, `message` and `code` (snake_case keys). */
export type DenyDetails = Readonly<
  Record<string, string | number | boolean | readonly unknown[] | null>
>;

/** A refusal: everything needed to build the response, and nothing about the request itself. */
export interface Deny {
  readonly allowed: false;
  readonly status: DenyStatusCode;
  readonly code: DenyCode;
  /** One sentence, safe to show to the client. Never an internal error message. */
  readonly message: string;
  /** Response headers the refusal needs (`Retry-After`, `RateLimit`, ...). */
  readonly headers: Readonly<Record<string, string>>;
  readonly details: DenyDetails;
  /** Which rule of which policy decided, for logs and the demo console; never sent to clients. */
  readonly rule: string;
}

/**
 * A permission: the subject (null for a public policy with no session), headers to pass on, and
 * the loaded resource (undefined when the check loaded none).
 */
export interface Allow<S, Res = undefined> {
  readonly allowed: true;
  readonly subject: S;
  /** Headers every answer to this request should carry (the rate-limit fields). */
  readonly headers: Readonly<Record<string, string>>;
  /** What the check's loader returned, already checked against the policy's resource rule. */
  readonly resource: Res;
  /**
   * Header lines the credential's source asks to append to the allowed answer (a refreshed
   * `Set-Cookie`); absent when it asks none. `withAuthorization` appends them.
   */
  readonly responseHeaders?: readonly (readonly [name: string, value: string])[];
}

/** What evaluating a policy yields: narrow on `allowed`. */
export type Decision<S, Res = undefined> = Allow<S, Res> | Deny;

/**
 * Builds a refusal with the table's status for its code.
 *
 * @example
 * deny("role_required", "Requires admin role", { rule: "role" })
 */
export function deny(
  code: DenyCode,
  message: string,
  options: {
    rule: string;
    status?: DenyStatusCode;
    headers?: Record<string, string>;
    details?: DenyDetails;
  },
): Deny {
  return {
    allowed: false,
    status: options.status ?? DenyStatus[code],
    code,
    message,
    headers: options.headers ?? {},
    details: options.details ?? {},
    rule: options.rule,
  };
}

/**
 * The one not-found refusal: the answer for a resource that does not exist and for one a policy
 * conceals must be the same bytes, so both come from here.
 *
 * @example
 * if (!doc) return denialResponse(notFound(), request);
 */
export function notFound(rule = "resource"): Deny {
  return deny("not_found", "Resource not found", { rule });
}

/**
 * The generic refusal for an error inside the kit (a session that cannot be read, a loader that
 * throws). It says nothing about the error: details go to the log, not to the client.
 *
 * @example
 * catch (error) { return internalError("session") }
 */
export function internalError(rule: string): Deny {
  return deny("authorization_error", "Authorization could not be completed", { rule });
}
