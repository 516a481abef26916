import type { Deny, DenyStatusCode } from "../decide/decision";

/** A page visit refused by a rewrite to the 403 page: one user's answer, never stored or shared. */
export const REFUSAL_CACHE_CONTROL = "private, no-store";

const STATUS_TEXT: Readonly<Record<DenyStatusCode, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** How refusals present themselves; set once in `createAuthz`. */
export interface ResponseOptions {
  /**
   * The `WWW-Authenticate` challenge of every 401 (RFC 9110 §15.5.2 requires one). The default
   * names the cookie scheme of draft-broyer-http-cookie-auth: where to sign in, which cookie.
   */
  readonly challenge?: string;
  /** Prefix of RFC 9457 `type` URIs; the code is appended. A tag URI needs no web page. */
  readonly problemTypeBase?: string;
}

/** The default 401 challenge: cookie sessions signed in through Auth.js's own page. */
export const DEFAULT_CHALLENGE =
  'Cookie realm="app", form-action="/api/auth/signin", cookie-name="authjs.session-token"';
const DEFAULT_PROBLEM_TYPE_BASE = "tag:next-authz-kit,2026:";

/** Whether the client asked for RFC 9457 problem details (and did not rank plain JSON above them). */
export function wantsProblemJson(request: Request | undefined): boolean {
  const accept = request?.headers.get("accept");
  if (!accept) return false;
  let problem = -1;
  let json = -1;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const weight = Number.isFinite(q) ? q : 0;
    if (type.trim() === "application/problem+json") problem = Math.max(problem, weight);
    if (type.trim() === "application/json") json = Math.max(json, weight);
  }
  return problem > 0 && problem >= json;
}

/**
 * Turns a refusal into its response: `Response.json` with `{ error, message, code, ...details }`,
 * or RFC 9457 problem details when asked for. Every refusal is `no-store` and sets no cookie.
 *
 * @example
 * const decision = await authz.check(policy, request);
 * if (!decision.allowed) return denialResponse(decision, request);
 */
export function denialResponse(
  decision: Deny,
  request?: Request,
  options: ResponseOptions = {},
): Response {
  const title = STATUS_TEXT[decision.status];
  const headers = new Headers(decision.headers);
  headers.set("Cache-Control", "no-store");
  // A refusal that names its own challenge (a bearer token's RFC 6750 error) keeps it.
  if (decision.status === 401 && !headers.has("WWW-Authenticate"))
    headers.set("WWW-Authenticate", options.challenge ?? DEFAULT_CHALLENGE);

  if (wantsProblemJson(request)) {
    headers.set("Content-Type", "application/problem+json");
    const problem = {
      type: `${options.problemTypeBase ?? DEFAULT_PROBLEM_TYPE_BASE}${decision.code}`,
      title,
      status: decision.status,
      detail: decision.message,
      code: decision.code,
      ...decision.details,
    };
    return new Response(JSON.stringify(problem), { status: decision.status, headers });
  }
  return Response.json(
    { error: title, message: decision.message, code: decision.code, ...decision.details },
    { status: decision.status, headers },
  );
}
