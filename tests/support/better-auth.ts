/**
 * A real Better Auth instance for tests: the memory adapter, email and password, the cookie cache in
 * the strategy asked for, telemetry off (no network). Its cookies are the ones Better Auth itself
 * writes on sign-up and sign-in; its `auth.api.getSession` is the oracle the kit is compared with.
 */
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { organization, testUtils } from "better-auth/plugins";

export const TEST_SECRET = "better-auth-test-secret-0123456789abcdef";
export const TEST_PASSWORD = "demo-password-1";

export interface TestAuthOptions {
  readonly strategy?: "compact" | "jwt" | "jwe";
  readonly secure?: boolean;
  readonly secret?: string;
  readonly secrets?: readonly { version: number; value: string }[];
  readonly version?: string;
  readonly cookiePrefix?: string;
  readonly maxAge?: number;
  /** Another instance's database: the same users and sessions under another configuration. */
  readonly db?: Record<string, unknown[]>;
}

/** Builds a Better Auth instance over a memory database (shared when `db` is given). */
export function testAuth(options: TestAuthOptions = {}) {
  const db = options.db ?? {
    user: [],
    session: [],
    account: [],
    verification: [],
    organization: [],
    member: [],
    invitation: [],
  };
  const config = {
    ...(options.secrets
      ? { secrets: options.secrets.map((s) => ({ ...s })) }
      : { secret: options.secret ?? TEST_SECRET }),
    baseURL: options.secure ? "https://app.example.com" : "http://localhost:3000",
    telemetry: { enabled: false },
    logger: { disabled: true },
    database: memoryAdapter(db),
    emailAndPassword: { enabled: true, minPasswordLength: 4 },
    user: {
      additionalFields: {
        role: { type: "string", required: false, input: false },
        bio: { type: "string", required: false },
      },
    },
    session: {
      cookieCache: {
        enabled: true,
        strategy: options.strategy ?? "compact",
        ...(options.version ? { version: options.version } : {}),
        ...(options.maxAge ? { maxAge: options.maxAge } : {}),
      },
    },
    ...(options.cookiePrefix ? { advanced: { cookiePrefix: options.cookiePrefix } } : {}),
    plugins: [testUtils(), organization()],
  } satisfies BetterAuthOptions;
  return { auth: betterAuth(config), db };
}

export type TestAuth = ReturnType<typeof testAuth>["auth"];

/** The `Cookie` header a browser would send back after this response (name=value of each cookie). */
export function cookieHeaderFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/** Signs up a user over Better Auth's own endpoint and returns the cookies it set. */
export async function signUp(auth: TestAuth, email: string, extra: { bio?: string } = {}) {
  const response = await auth.api.signUpEmail({
    body: { email, password: TEST_PASSWORD, name: email.split("@")[0] ?? email, ...extra },
    asResponse: true,
  });
  if (response.status !== 200) throw new Error(`sign-up failed: ${response.status}`);
  return cookieHeaderFrom(response);
}

/** Signs in over Better Auth's own endpoint and returns the cookies it set. */
/** The session token cookie alone, without the cookie cache: what Better Auth must decide itself. */
export function sessionTokenOnly(cookie: string): string {
  return cookie
    .split("; ")
    .filter((pair) => pair.startsWith("better-auth.session_token="))
    .join("; ");
}

export async function signIn(auth: TestAuth, email: string) {
  const response = await auth.api.signInEmail({
    body: { email, password: TEST_PASSWORD },
    asResponse: true,
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status}`);
  return cookieHeaderFrom(response);
}

/** Better Auth's own answer: the user id of the session it accepts, or null. */
export async function oracle(auth: TestAuth, cookie: string): Promise<string | null> {
  const result = await auth.api.getSession({ headers: new Headers({ cookie }) });
  return result?.user.id ?? null;
}

/**
 * Better Auth's answer with its session rows gone (as after sign-out elsewhere): it can then only
 * accept through the cookie cache, so this is exactly the set the cache decides.
 */
export async function oracleFromCacheOnly(
  auth: TestAuth,
  db: Record<string, unknown[]>,
  cookie: string,
): Promise<string | null> {
  const sessions = db.session ?? [];
  const saved = sessions.splice(0, sessions.length);
  try {
    return await oracle(auth, cookie);
  } finally {
    sessions.push(...saved);
  }
}
