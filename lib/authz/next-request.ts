/**
 * The current request for code that runs without one (pages, layouts, server actions). Server side
 * of the App Router only (`next/headers`): not for middleware.ts.
 */
import { headers } from "next/headers";
import { isHttpsRequest } from "./scheme";

const rebuilt = new WeakMap<object, Request>();

/**
 * The request being rendered or the action being called, rebuilt from `next/headers` once per
 * incoming request, so every check of one render reads the same cookie and logs one request id.
 * `{ action: true }` rebuilds it as the POST a server action is, so unsafe-method checks (the
 * cross-site check) see what the browser sent.
 *
 * @example
 * const decision = await authz.check(policy, await currentRequest());
 * @see docs/sessions.md#one-scheme-decision
 */
export async function currentRequest(
  options: { readonly action?: boolean } = {},
): Promise<Request> {
  const incoming = await headers();
  const known = rebuilt.get(incoming);
  const method = options.action ? "POST" : "GET";
  // A page rendered after an action in the same request keeps the action's POST.
  if (known && (method === "GET" || known.method === method)) return known;
  // The kit's session reader needs the scheme to pick the cookie name (`__Secure-` on HTTPS).
  const proto = isHttpsRequest({ headers: incoming }) ? "https" : "http";
  const host = incoming.get("x-forwarded-host") ?? incoming.get("host") ?? "localhost";
  let url: string;
  try {
    url = new URL(`${proto}://${host}/`).toString();
  } catch {
    url = `${proto}://localhost/`;
  }
  const request = new Request(url, { method, headers: incoming });
  rebuilt.set(incoming, request);
  return request;
}

/**
 * The path a server action was called from, for the decision log: the same-origin `Referer`'s
 * path (its query dropped), or undefined. The rebuilt request's own URL carries no path.
 *
 * @example
 * await authz.check(policy, request, { layer: "action", logPath: actionPath(request) });
 */
export function actionPath(request: Request): string | undefined {
  const referer = request.headers.get("referer");
  if (referer === null) return undefined;
  try {
    const from = new URL(referer);
    return from.origin === new URL(request.url).origin ? from.pathname : undefined;
  } catch {
    return undefined;
  }
}
