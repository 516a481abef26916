/**
 * Where sign-in sends a visitor back to: one builder for the middleware's redirects and the pages'
 * `authorize()`, so both send the same URL, and it always stays on this site.
 */
import { AuthzConfigError, type AuthzConfigErrorCode } from "../errors";

/**
 * The query parameter Auth.js reads the path to return to from: the default of `callbackParam`.
 *
 * @example
 * new URL(location.href).searchParams.get(DEFAULT_CALLBACK_PARAM); // "/admin"
 */
export const DEFAULT_CALLBACK_PARAM = "callbackUrl";

/**
 * The `callbackParam` option of the middleware and of the page guard, checked where it is given:
 * a plain query parameter name (letters, digits, `_`, `.`, `-`; at most 64), else a config error.
 *
 * @example
 * callbackParamOption(undefined, "invalid_page_guard", "createPageGuard"); // "callbackUrl"
 */
export function callbackParamOption(
  value: string | undefined,
  code: AuthzConfigErrorCode,
  where: string,
): string {
  const param = value ?? DEFAULT_CALLBACK_PARAM;
  if (typeof param !== "string" || !/^[\w.-]{1,64}$/.test(param))
    throw new AuthzConfigError(code, `${where} option callbackParam`, JSON.stringify(param));
  return param;
}

/**
 * The same-origin path and query to come back to after sign-in, from the request's own URL:
 * never another host (`//evil.example` collapses to `/evil.example`), and without Next's internal
 * `_rsc` cache-busting parameter.
 *
 * @example
 * callbackPath(new URL("http://x//evil.example/a?b=1&_rsc=x")); // "/evil.example/a?b=1"
 */
export function callbackPath(url: { readonly pathname: string; readonly search: string }): string {
  const path = `/${url.pathname.replace(/^[/\\]+/, "")}`;
  const params = new URLSearchParams(url.search);
  params.delete("_rsc");
  const query = params.toString();
  return query === "" ? path : `${path}?${query}`;
}

/**
 * Keeps a callback URL on this site: a path that starts with one `/` (not `//` or `/\`, which
 * browsers read as another host). Anything else becomes `/`.
 *
 * @example
 * sameOriginPath("//evil.example/x"); // "/"
 */
export function sameOriginPath(candidate: string | null | undefined): string {
  if (
    !candidate ||
    !candidate.startsWith("/") ||
    candidate.startsWith("//") ||
    candidate.startsWith("/\\")
  )
    return "/";
  // Control characters can smuggle a host past naive checks in some browsers.
  if (/[\u0000-\u001f\u007f]/.test(candidate)) return "/";
  return candidate;
}

/**
 * The sign-in URL that comes back to `callbackPath` (kept same-origin): one builder for the
 * middleware's redirects and the pages' `authorize()`, so both send the same URL.
 *
 * @param param the query parameter Auth.js reads @default "callbackUrl"
 * @example
 * signInRedirectPath("/signin", "/admin?tab=users"); // "/signin?callbackUrl=%2Fadmin%3Ftab%3Dusers"
 */
export function signInRedirectPath(
  signInPath: string,
  callbackPath: string,
  param = DEFAULT_CALLBACK_PARAM,
): string {
  return `${signInPath}?${param}=${encodeURIComponent(sameOriginPath(callbackPath))}`;
}
