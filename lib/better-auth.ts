/**
 * NODE.JS RUNTIME ONLY. The demo on Better Auth (`AUTH_PROVIDER=better-auth`): email and password
 * sign-in for the demo users (same ids, password `demo`), the cookie cache in the strategy of
 * `BETTER_AUTH_COOKIE_CACHE`, telemetry off. Mounted at /api/auth/* (app/api/auth/[...nextauth]).
 * Its data lives in the demo's database (lib/demo/db: PGlite in memory, or Postgres at DATABASE_URL)
 * through Better Auth's Drizzle adapter, seeded with the rest of the demo (lib/demo/db/seed.ts).
 * The organization plugin's tables hold DESIGN §1.4's orgs and members for `betterAuthMembers`; the
 * demo's own org checks read lib/demo/accounts.ts (memory or Redis) as §1.4 says.
 *
 * One instance per process, kept on globalThis: Next evaluates modules once per bundle, and every
 * bundle must see the same sessions.
 */
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { nextCookies } from "better-auth/next-js";
import { organization } from "better-auth/plugins";
import {
  BETTER_AUTH_CACHE_SECONDS,
  BETTER_AUTH_SECURE,
  BETTER_AUTH_STRATEGY,
  betterAuthSecret,
} from "./auth-provider";
import { betterAuthSchema } from "./demo/db/better-auth-schema";
import { demoDb, type DemoDb } from "./demo/db/client-node";

function create(db: DemoDb) {
  const secret = betterAuthSecret();
  return betterAuth({
    ...(secret ? { secret } : {}),
    ...(process.env.BETTER_AUTH_URL ? { baseURL: process.env.BETTER_AUTH_URL } : {}),
    basePath: "/api/auth",
    // Without BETTER_AUTH_URL, the demo's own origin is whatever host it is served on (a free port
    // in the tests, a preview URL): a form may post from exactly that origin, as the browser names it.
    trustedOrigins: (request?: Request) => {
      const host = request?.headers.get("host");
      return host ? [`http://${host}`, `https://${host}`] : [];
    },
    database: drizzleAdapter(db, { provider: "pg", schema: betterAuthSchema }),
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, minPasswordLength: 4, disableSignUp: true },
    user: {
      additionalFields: { role: { type: "string", required: false, input: false } },
    },
    session: {
      cookieCache: {
        enabled: true,
        strategy: BETTER_AUTH_STRATEGY,
        maxAge: BETTER_AUTH_CACHE_SECONDS,
      },
    },
    // Better Auth's own limiter (on in production) allows 3 sign-ins per 10 s per address; the
    // demo's four published accounts are signed in one after another from one address (the console,
    // the tests), so 10.
    rateLimit: { customRules: { "/sign-in/email": { window: 10, max: 10 } } },
    advanced: { useSecureCookies: BETTER_AUTH_SECURE },
    // Server actions (the demo's sign-in forms) set Better Auth's cookies through next/headers.
    // Organizations are the seed's (acme, globex): nobody creates one through Better Auth's API.
    plugins: [organization({ allowUserToCreateOrganization: false }), nextCookies()],
  });
}

type DemoBetterAuth = ReturnType<typeof create>;

const SLOT = Symbol.for("next-authz-kit.demo.better-auth");
const holder = globalThis as typeof globalThis & {
  [SLOT]?: { readonly db: DemoDb; readonly auth: DemoBetterAuth };
};

/**
 * The demo's Better Auth instance, over the demo database (opened, migrated and seeded first); a
 * new one when that database was closed and opened again (tests, scripts).
 */
export async function demoBetterAuth(): Promise<DemoBetterAuth> {
  const db = await demoDb();
  const held = holder[SLOT];
  if (held?.db === db) return held.auth;
  const auth = create(db);
  holder[SLOT] = { db, auth };
  return auth;
}

/** `auth.api.getSession` of the demo's instance, for the kit's Node sources. */
export const betterAuthApi = {
  api: {
    getSession: async (input: {
      headers: Headers;
      returnHeaders: true;
      query?: { disableCookieCache?: boolean };
    }) => (await demoBetterAuth()).api.getSession(input),
  },
};

/** Better Auth's own handler for /api/auth/*. */
export async function betterAuthHandler(request: Request): Promise<Response> {
  return (await demoBetterAuth()).handler(request);
}
