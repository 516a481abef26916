/**
 * The current request for code that runs without one (pages, layouts, server actions). Server side
 * of the App Router only (`next/headers`): not for middleware.ts.
 */
import { cookies, headers } from "next/headers";
import { isHttpsRequest } from "../http/scheme";
import { parseSetCookie } from "../http/set-cookie";

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

// Next's build gives each server action a hex id (42 characters in Next 15/16); the browser sends
// it as `Next-Action`, and Next runs an action only when the id names one of the build's.
const ACTION_ID = /^[0-9a-f]{2,128}$/i;

/**
 * Which server action a decision is about, for the decision log: the id Next's build registered on
 * the exported action (`$$id`), else the `Next-Action` id Next resolved to the running action, and
 * the action's name when it has one. Never the `Referer`: the client writes it, so a refused call
 * could be logged under any path. Undefined outside an action call.
 *
 * @example
 * await authz.check(policy, request, { layer: "action", logAction: actionRef(request, action) });
 */
export function actionRef(
  request: Request,
  action?: object,
  name?: string,
): { readonly id: string; readonly name?: string } | undefined {
  const registered = action === undefined ? undefined : (action as { $$id?: unknown }).$$id;
  // `registerServerReference(fn, id, exportName)` sets `$$id` to the id, or `id#exportName`.
  const built = typeof registered === "string" ? registered.split("#")[0] : undefined;
  const header = request.headers.get("next-action");
  const id =
    built && ACTION_ID.test(built) ? built : header && ACTION_ID.test(header) ? header : "";
  if (id === "") return undefined;
  return name ? { id, name } : { id };
}

/**
 * Hands a credential's refreshed cookies (Better Auth's `Set-Cookie` lines, on an allowed decision)
 * to Next's cookie store, where no answer of the kit's own carries them: a server action's. Next
 * sends them with the action's answer. Pages cannot set cookies; their next route handler or
 * action does.
 *
 * @example
 * if (decision.allowed && decision.responseHeaders) await passOnCookies(decision.responseHeaders);
 */
export async function passOnCookies(
  lines: readonly (readonly [name: string, value: string])[],
): Promise<void> {
  const store = await cookies();
  for (const [name, value] of lines) {
    if (name.toLowerCase() !== "set-cookie") continue;
    const cookie = parseSetCookie(value);
    if (cookie) store.set(cookie);
  }
}
