/**
 * The one scheme decision per request. The session cookie's name depends on it (`__Secure-` on
 * HTTPS), so middleware, route handlers, pages and server actions must all decide it the same way,
 * and the same way Next does when it builds `request.url`: a request is HTTPS when its URL says so
 * or when any entry of `X-Forwarded-Proto` is `https` (Next's own test is `includes('https')`, so a
 * comma list such as `http, https` reads as HTTPS everywhere, never as HTTP in one place only).
 *
 * Only the name of the client's own cookie depends on this (each name has its own key), so a
 * client-sent header cannot make a token valid.
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
