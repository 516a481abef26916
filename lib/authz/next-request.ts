/**
 * The current request for code that runs without one (pages, layouts, server actions). Server side
 * of the App Router only (`next/headers`): not for middleware.ts.
 */
import { headers } from "next/headers";
import { isHttpsRequest } from "./scheme";

/**
 * The request being rendered or the action being called, rebuilt from `next/headers`: its headers
 * (cookies included) and an origin from the forwarded host and scheme, which the session reader
 * needs to pick the cookie name (`__Secure-` on HTTPS). Pages and actions share it, so both read
 * the same cookie for one request.
 *
 * @example
 * const decision = await authz.check(policy, await currentRequest());
 */
export async function currentRequest(): Promise<Request> {
  const incoming = await headers();
  // The kit's session reader needs the scheme to pick the cookie name (`__Secure-` on HTTPS).
  const proto = isHttpsRequest({ headers: incoming }) ? "https" : "http";
  const host = incoming.get("x-forwarded-host") ?? incoming.get("host") ?? "localhost";
  let url: string;
  try {
    url = new URL(`${proto}://${host}/`).toString();
  } catch {
    url = `${proto}://localhost/`;
  }
  return new Request(url, { headers: incoming });
}
