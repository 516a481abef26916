/**
 * Helpers for your own tests of guarded routes: real Auth.js session cookies (encrypted with
 * `encode` from `next-auth/jwt`, exactly as a sign-in makes them), request builders, a sign-in over
 * HTTP, and an assertion for the kit's refusals. For tests only: never import it from app code.
 */
import { encode } from "next-auth/jwt";

/** The Auth.js v5 session cookie name for a scheme. */
export function sessionCookieName(secure = false): string {
  return secure ? "__Secure-authjs.session-token" : "authjs.session-token";
}

/** Claims a test session carries: `sub` (the user id) plus whatever the app's session holds. */
export type TestClaims = { readonly sub: string } & Readonly<Record<string, unknown>>;

/**
 * A `Cookie` header value holding a real, encrypted Auth.js v5 session for `claims`.
 *
 * @param options.secret the app's `AUTH_SECRET` (the one the kit reads with)
 * @param options.secure use the `__Secure-` cookie name (HTTPS); default false
 * @param options.maxAge seconds until the token expires; default 3600 (negative for an expired one)
 * @example
 * const cookie = await sessionCookie({ sub: "user-bob", role: "member", tenant: "acme" }, { secret });
 * const response = await GET(requestFor("/api/me", { cookie }), routeContext());
 */
export async function sessionCookie(
  claims: TestClaims,
  options: { readonly secret: string; readonly secure?: boolean; readonly maxAge?: number; readonly cookieName?: string },
): Promise<string> {
  const name = options.cookieName ?? sessionCookieName(options.secure);
  // A negative maxAge gives an already expired token: encode() sets exp = now + maxAge.
  const token = await encode({ token: { ...claims }, secret: options.secret, salt: name, maxAge: options.maxAge ?? 3600 });
  return `${name}=${token}`;
}

/**
 * A real `Request` for a path on a test origin, with the cookie and headers you give.
 *
 * @example
 * const request = requestFor("/api/documents/doc-acme-1", { method: "DELETE", cookie });
 */
export function requestFor(
  path: string,
  init: { readonly method?: string; readonly cookie?: string; readonly headers?: Record<string, string>; readonly json?: unknown; readonly origin?: string } = {},
): Request {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  return new Request(new URL(path, init.origin ?? "http://localhost:3000"), {
    method: init.method ?? "GET",
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
}

/**
 * The second argument Next passes a route handler, with params as a Promise (Next 15/16).
 *
 * @example
 * await DELETE(request, routeContext({ id: "doc-acme-1" }));
 */
export function routeContext(params: Record<string, string | string[]> = {}): { params: Promise<Record<string, string | string[]>> } {
  return { params: Promise.resolve(params) };
}

/**
 * Signs in through Auth.js's own endpoints (CSRF token, then the credentials callback) and returns
 * the session `Cookie` header, or null when the sign-in did not yield a session.
 *
 * @example
 * const cookie = await signInWithCredentials("http://127.0.0.1:3000", "alice@example.com", "demo");
 */
export async function signInWithCredentials(baseUrl: string, email: string, password: string): Promise<string | null> {
  const csrfResponse = await fetch(new URL("/api/auth/csrf", baseUrl));
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const csrfCookies = csrfResponse.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const response = await fetch(new URL("/api/auth/callback/credentials", baseUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookies },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }),
  });
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .filter((c) => /^(__Secure-)?authjs\.session-token(\.\d+)?=./.test(c));
  return session.length > 0 ? session.join("; ") : null;
}

/** What a refusal is expected to be; `message` and `headers` are checked only when given. */
export interface ExpectedRefusal {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string | RegExp>>;
}

/**
 * Asserts a response is the kit's refusal: status, JSON body `{ error, message, code }`,
 * `Cache-Control: no-store`, no `Set-Cookie`, `WWW-Authenticate` on 401. Throws on a mismatch, so
 * it works in any test runner. Returns the parsed body for further checks.
 *
 * @example
 * await expectRefusal(response, { status: 403, code: "role_required", message: "Requires admin role" });
 */
export async function expectRefusal(response: Response, expected: ExpectedRefusal): Promise<Record<string, unknown>> {
  const problems: string[] = [];
  if (response.status !== expected.status) problems.push(`status ${response.status}, expected ${expected.status}`);
  if (response.headers.get("cache-control") !== "no-store") problems.push(`Cache-Control "${response.headers.get("cache-control")}", expected "no-store"`);
  if (response.headers.get("set-cookie") !== null) problems.push("a refusal set a cookie");
  if (expected.status === 401 && !response.headers.get("www-authenticate")) problems.push("401 without WWW-Authenticate");
  for (const [name, want] of Object.entries(expected.headers ?? {})) {
    const got = response.headers.get(name);
    const ok = typeof want === "string" ? got === want : got !== null && want.test(got);
    if (!ok) problems.push(`header ${name} "${got}", expected ${String(want)}`);
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    problems.push(`body is not JSON: ${text.slice(0, 200)}`);
  }
  if (body.code !== expected.code) problems.push(`code "${String(body.code)}", expected "${expected.code}"`);
  if (expected.message !== undefined && body.message !== expected.message) {
    problems.push(`message "${String(body.message)}", expected "${expected.message}"`);
  }
  if (typeof body.error !== "string") problems.push("body has no error field");
  if (problems.length > 0) throw new Error(`Not the expected refusal: ${problems.join("; ")}`);
  return body;
}
