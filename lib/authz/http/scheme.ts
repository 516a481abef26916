/**
 * The one scheme decision per request, made as Next makes it: the session cookie's name depends on
 * it, so middleware, handlers, pages and actions must agree.
 *
 * @see docs/sessions.md#one-scheme-decision
 */

/**
 * Whether a request counts as HTTPS: its URL, or `X-Forwarded-Proto` containing `https`.
 *
 * @example
 * isHttpsRequest(new Request("http://app.test/", { headers: { "x-forwarded-proto": "http, https" } })); // true
 */
export function isHttpsRequest(request: {
  readonly url?: string;
  readonly headers: { get(name: string): string | null };
}): boolean {
  if (request.url?.startsWith("https:")) return true;
  return request.headers.get("x-forwarded-proto")?.includes("https") ?? false;
}
