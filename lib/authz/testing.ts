/**
 * Helpers for your own tests of guarded routes: real session cookies, request builders, a sign-in
 * over HTTP, and an assertion for the kit's refusals. For tests only: never import it from app code.
 *
 * @see docs/testing.md#session-cookies-for-tests
 */

/** The part of `next-auth/jwt` the cookie helpers use (v5's `salt` is required, v4's optional). */
interface NextAuthJwt {
  encode(params: {
    token: Record<string, unknown>;
    secret: string;
    salt: string;
    maxAge: number;
  }): Promise<string>;
}

// A specifier TypeScript and bundlers do not resolve: a project without next-auth still compiles.
const NEXT_AUTH_JWT: string = "next-auth/jwt";
let nextAuthJwt: Promise<NextAuthJwt> | undefined;

/**
 * The project's `next-auth/jwt`, loaded on the first Auth.js cookie asked for, never before: an app
 * that signs its own session copies this file without next-auth. Not installed: one clear error.
 */
function loadNextAuthJwt(): Promise<NextAuthJwt> {
  nextAuthJwt ??= (import(NEXT_AUTH_JWT) as Promise<Partial<NextAuthJwt>>).then(
    (module) => {
      if (typeof module.encode !== "function")
        throw new Error("testing.ts: next-auth/jwt has no encode()");
      return module as NextAuthJwt;
    },
    (cause: unknown) => {
      throw new Error(
        "sessionCookie makes an Auth.js or NextAuth session cookie and needs next-auth, which this project does not have. For a session your app signs itself, mint it with your own source's signer (see docs/testing.md#your-own-session-in-tests).",
        { cause },
      );
    },
  );
  // A failed load is not remembered: the next call asks again.
  nextAuthJwt.catch(() => (nextAuthJwt = undefined));
  return nextAuthJwt;
}

/** Which next-auth made (and reads) a session: 5 is Auth.js (`next-auth@5`), 4 is NextAuth v4. */
export type NextAuthVersion = 4 | 5;

/**
 * The session cookie name next-auth uses by default.
 *
 * @param secure the `__Secure-` name used over HTTPS; default false
 * @param version 5 (`authjs.session-token`, default) or 4 (`next-auth.session-token`)
 * @example
 * sessionCookieName(false, 4); // "next-auth.session-token"
 */
export function sessionCookieName(secure = false, version: NextAuthVersion = 5): string {
  const base = version === 4 ? "next-auth.session-token" : "authjs.session-token";
  return secure ? `__Secure-${base}` : base;
}

/** Claims a test session carries: `sub` (the user id) plus whatever the app's session holds. */
export type TestClaims = { readonly sub: string } & Readonly<Record<string, unknown>>;

/** Options of {@link sessionCookie}. */
export interface SessionCookieOptions {
  /** The app's secret (`AUTH_SECRET`, or `NEXTAUTH_SECRET` on v4): the one the kit reads with. */
  readonly secret: string;
  /** Use the `__Secure-` cookie name (HTTPS). Default false. */
  readonly secure?: boolean;
  /** Seconds until the token expires. Default 3600; negative for an already expired one. */
  readonly maxAge?: number;
  /** A custom session cookie name (`cookies.sessionToken.name` in the next-auth config). */
  readonly cookieName?: string;
  /**
   * The next-auth the project has. Default: found out from `next-auth/jwt` itself, so a copied
   * testing.ts works in both. Given explicitly, a mismatch with the installed one throws.
   */
  readonly version?: NextAuthVersion;
}

function jweEnc(token: string): string | undefined {
  const header = token.slice(0, token.indexOf("."));
  try {
    const base64 = header.replace(/-/g, "+").replace(/_/g, "/");
    const parsed: unknown = JSON.parse(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)));
    return typeof parsed === "object" &&
      parsed !== null &&
      "enc" in parsed &&
      typeof parsed.enc === "string"
      ? parsed.enc
      : undefined;
  } catch {
    return undefined;
  }
}

let installedVersion: Promise<NextAuthVersion> | undefined;

/**
 * The major version of the installed `next-auth/jwt`, from what its `encode` writes: Auth.js v5
 * encrypts with `A256CBC-HS512`, NextAuth v4 with `A256GCM`. Both accept the call below (v4's
 * `salt` is optional, v5's required), so this works whichever types the project compiles against.
 */
function detectVersion(): Promise<NextAuthVersion> {
  installedVersion ??= loadNextAuthJwt()
    .then(({ encode }) =>
      encode({
        token: {},
        secret: "version-probe",
        salt: "version-probe",
        maxAge: 60,
      }),
    )
    .then((token) => {
      const enc = jweEnc(token);
      if (enc === "A256GCM") return 4;
      if (enc === "A256CBC-HS512") return 5;
      throw new Error(
        `testing.ts: next-auth/jwt wrote a token with enc "${String(enc)}"; expected Auth.js v5 or NextAuth v4`,
      );
    });
  // A failed probe is not remembered: the next call asks again.
  installedVersion.catch(() => (installedVersion = undefined));
  return installedVersion;
}

/**
 * A `Cookie` header value holding a real, encrypted session for `claims`, made by the project's own
 * `encode` from `next-auth/jwt` (Auth.js v5 or NextAuth v4, whichever is installed).
 *
 * @example
 * const cookie = await sessionCookie({ sub: "user-bob", role: "member", tenant: "acme" }, { secret });
 * @see docs/testing.md#session-cookies-for-tests
 */
export async function sessionCookie(
  claims: TestClaims,
  options: SessionCookieOptions,
): Promise<string> {
  const installed = await detectVersion();
  if (options.version !== undefined && options.version !== installed) {
    throw new Error(
      `sessionCookie: version ${options.version} asked for, but the installed next-auth/jwt is ${installed === 5 ? "Auth.js v5" : "NextAuth v4"}; its cookies would not be read`,
    );
  }
  const name = options.cookieName ?? sessionCookieName(options.secure, installed);
  // A negative maxAge gives an already expired token: encode() sets exp = now + maxAge.
  // v4 derives session keys with an empty salt whatever the cookie is called; v5 with its name.
  const { encode } = await loadNextAuthJwt();
  const token = await encode({
    token: { ...claims },
    secret: options.secret,
    salt: installed === 4 ? "" : name,
    maxAge: options.maxAge ?? 3600,
  });
  return `${name}=${token}`;
}

/** Options of {@link signedSessionCookie}. */
export interface SignedSessionCookieOptions {
  /** The HS256 secret the app signs with (and `signedCookie({ secret })` reads with). */
  readonly secret: string;
  /** The cookie's name. Default `"session"` (the Next.js docs and nextjs/saas-starter). */
  readonly cookieName?: string;
  /** Seconds until `exp`. Default 3600; negative for an already expired token. */
  readonly maxAge?: number;
}

const base64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/**
 * A `Cookie` header value holding an app's own session as jose's `SignJWT` writes it (HS256,
 * `iat` and `exp` added), for an app read by `signedCookie`. Web Crypto only: no next-auth needed.
 *
 * @example
 * const cookie = await signedSessionCookie({ user: { id: 1 } }, { secret: process.env.AUTH_SECRET! });
 * @see docs/testing.md#your-own-session-in-tests
 */
export async function signedSessionCookie(
  payload: Readonly<Record<string, unknown>>,
  options: SignedSessionCookieOptions,
): Promise<string> {
  if (typeof options?.secret !== "string" || options.secret === "")
    throw new Error("signedSessionCookie: a non-empty secret is required");
  const encoder = new TextEncoder();
  const now = Math.floor(Date.now() / 1000);
  const claims = { iat: now, exp: now + (options.maxAge ?? 3600), ...payload };
  const input = `${base64Url(encoder.encode(JSON.stringify({ alg: "HS256" })))}.${base64Url(
    encoder.encode(JSON.stringify(claims)),
  )}`;
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(options.secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(input)));
  return `${options.cookieName ?? "session"}=${input}.${base64Url(signature)}`;
}

/**
 * A real `Request` for a path on a test origin, with the cookie and headers you give.
 *
 * @example
 * const request = requestFor("/api/documents/doc-acme-1", { method: "DELETE", cookie });
 */
export function requestFor(
  path: string,
  init: {
    readonly method?: string;
    readonly cookie?: string;
    readonly headers?: Record<string, string>;
    readonly json?: unknown;
    readonly origin?: string;
  } = {},
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
export function routeContext(params: Record<string, string | string[]> = {}): {
  params: Promise<Record<string, string | string[]>>;
} {
  return { params: Promise.resolve(params) };
}

/**
 * Signs in through next-auth's own endpoints (CSRF token, then the credentials callback; v5 and v4
 * alike) and returns the session `Cookie` header, or null when the sign-in did not yield a session.
 * A path in `baseUrl` is the app's `basePath`: `http://host/app` signs in at `/app/api/auth/...`.
 *
 * @example
 * const cookie = await signInWithCredentials("http://127.0.0.1:3000", "alice@example.com", "demo");
 */
export async function signInWithCredentials(
  baseUrl: string,
  email: string,
  password: string,
): Promise<string | null> {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const csrfResponse = await fetch(new URL("api/auth/csrf", base));
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const csrfCookies = csrfResponse.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(new URL("api/auth/callback/credentials", base), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookies },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/" }),
  });
  // Auth.js v5 and NextAuth v4 share these endpoints; only the cookie's name differs.
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .filter((c) => /^(__Secure-)?(authjs|next-auth)\.session-token(\.\d+)?=./.test(c));
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
export async function expectRefusal(
  response: Response,
  expected: ExpectedRefusal,
): Promise<Record<string, unknown>> {
  const problems: string[] = [];
  if (response.status !== expected.status)
    problems.push(`status ${response.status}, expected ${expected.status}`);
  if (response.headers.get("cache-control") !== "no-store")
    problems.push(`Cache-Control "${response.headers.get("cache-control")}", expected "no-store"`);
  if (response.headers.get("set-cookie") !== null) problems.push("a refusal set a cookie");
  if (expected.status === 401 && !response.headers.get("www-authenticate"))
    problems.push("401 without WWW-Authenticate");
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
  if (body.code !== expected.code)
    problems.push(`code "${String(body.code)}", expected "${expected.code}"`);
  if (expected.message !== undefined && body.message !== expected.message) {
    problems.push(`message "${String(body.message)}", expected "${expected.message}"`);
  }
  if (typeof body.error !== "string") problems.push("body has no error field");
  if (problems.length > 0) throw new Error(`Not the expected refusal: ${problems.join("; ")}`);
  return body;
}
