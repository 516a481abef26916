/**
 * Cross-site request refusal for cookie-authenticated unsafe methods, by `Sec-Fetch-Site` or
 * `Origin`; a request with neither comes from no browser and passes. Edge-safe and pure.
 *
 * @see docs/cross-site-requests.md
 */
import { AuthzConfigError } from "../errors";
import { deny, type Deny } from "../decide/decision";
import { requestHostFrom } from "../ip/host";
import { isHttpsRequest } from "./scheme";

/** The methods a browser may send cross-site without a preflight, and that change state. */
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Checks a list of trusted origins once, at start-up: each must be exactly an origin
 * (`https://app.example`, no path, no trailing slash).
 *
 * @example
 * const trusted = trustedOriginSet(["https://admin.example.com"]);
 */
export function trustedOriginSet(origins: readonly string[] | undefined): ReadonlySet<string> {
  const set = new Set<string>();
  for (const origin of origins ?? []) {
    let parsed: string | undefined;
    try {
      parsed = new URL(origin).origin;
    } catch {
      parsed = undefined;
    }
    // Unparseable (undefined), opaque ("null": file:, data:) or not in its canonical form (a path,
    // a trailing slash, upper case): none of them is the origin string it parses to.
    if (parsed !== origin) {
      throw new AuthzConfigError(
        "invalid_authz_options",
        `trustedOrigins entry ${JSON.stringify(origin)}`,
        `expected an origin such as "https://app.example" (scheme and host, no path)`,
      );
    }
    set.add(origin);
  }
  return set;
}

/** Where a request's own host comes from: the deployment's trust model (`requestHostFrom`). */
export type RequestHost = (request: Request) => string | null;

/** The default: the `Host` header, trusting no proxy's `X-Forwarded-Host`. */
const directRequestHost: RequestHost = requestHostFrom({ kind: "none" });

/** This request's own origin, as the browser addressed it (the host from the trust model). */
function ownOrigin(request: Request, requestHost: RequestHost): string | null {
  try {
    const host = requestHost(request);
    if (!host) return null;
    return new URL(`${isHttpsRequest(request) ? "https" : "http"}://${host}`).origin;
  } catch {
    return null;
  }
}

/**
 * A 403 `cross_site_request` for an unsafe method that a browser sent from another origin, or
 * null. `Sec-Fetch-Site: same-origin` or `none` (typed by the user) passes; otherwise `Origin` must
 * be this request's own origin (its host from `requestHost`, by default the `Host` header) or a
 * trusted one. The kit runs it after the session check, so an anonymous caller learns 401 first.
 *
 * @example
 * const refused = crossSiteRefusal(request, trustedOriginSet([]));
 * if (refused) return denialResponse(refused, request);
 * @see docs/cross-site-requests.md
 */
export function crossSiteRefusal(
  request: Request,
  trusted: ReadonlySet<string>,
  requestHost: RequestHost = directRequestHost,
): Deny | null {
  if (!UNSAFE_METHODS.has(request.method.toUpperCase())) return null;
  const site = request.headers.get("sec-fetch-site")?.trim().toLowerCase();
  const origin = request.headers.get("origin")?.trim();
  if (site === "same-origin" || site === "none") return null;
  if (site === undefined) {
    // No fetch metadata (an older browser): Origin alone tells.
    if (origin === undefined) return null;
    // An opaque origin ("null") matches neither: trusted entries and the own origin are real ones.
    if (trusted.has(origin) || origin === ownOrigin(request, requestHost)) return null;
  } else if (origin !== undefined && trusted.has(origin)) {
    // The browser says same-site or cross-site: only an origin the app names may pass.
    return null;
  }
  return deny("cross_site_request", "Cross-site request refused", { rule: "origin" });
}
