/**
 * The host a browser addressed, under the same proxy trust model as the client address: a proxy's
 * `X-Forwarded-Host` is read only where the deployment says a proxy writes it. Edge-safe.
 */
import { AuthzConfigError } from "../errors";
import type { HasHeaders, ProxyTrust } from "./client";

/** The `Host` header, or the URL's host when a request has none (a rebuilt or test request). */
function directHost(request: HasHeaders & { readonly url?: string }): string | null {
  const host = request.headers.get("host")?.trim();
  if (host) return host;
  try {
    return request.url === undefined ? null : new URL(request.url).host || null;
  } catch {
    return null;
  }
}

/** The last element of `X-Forwarded-Host`: what the proxy nearest the app wrote or passed on. */
function forwardedHost(request: HasHeaders): string | undefined {
  const list = (request.headers.get("x-forwarded-host") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  return list[list.length - 1];
}

/**
 * Returns a function that finds the host the browser addressed under `trust` (`host[:port]`), or
 * null when the request names none. With `none` it is the `Host` header: a client-sent
 * `X-Forwarded-Host` is the client's own claim and is ignored. With a trusted proxy (`vercel`,
 * `hops`, `cidrs`) it is the last `X-Forwarded-Host` element (configure the proxy to set it), else
 * `Host`.
 *
 * @example
 * const requestHost = requestHostFrom(proxyTrustFromEnv(process.env));
 * requestHost(new Request("http://10.0.0.5/", { headers: { "x-forwarded-host": "evil.test" } })); // "10.0.0.5" without a trusted proxy
 * @see docs/cross-site-requests.md#which-host-is-the-requests-own
 */
export function requestHostFrom(
  trust: ProxyTrust,
): (request: HasHeaders & { readonly url?: string }) => string | null {
  switch (trust?.kind) {
    case "none":
      return directHost;
    case "vercel":
    case "hops":
    case "cidrs":
      return (request) => forwardedHost(request) ?? directHost(request);
    default:
      throw new AuthzConfigError("invalid_proxy_trust", `proxy trust`, `${JSON.stringify(trust)}`);
  }
}
