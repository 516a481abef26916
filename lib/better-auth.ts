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
import { denialResponse, notFound } from "@/lib/authz";
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

/**
 * One Better Auth over `db`. `viaNextHeaders` adds `nextCookies()`, which writes the cookies of any
 * `auth.api` call through `next/headers`: what the sign-in server actions need, and what the kit's
 * session reads must not have (Next would add them to every answer of the request, refusals too;
 * the kit appends them itself to the answers it lets through).
 */
function create(db: DemoDb, viaNextHeaders: boolean) {
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
    // Organizations are the seed's (acme, globex): nobody creates one through Better Auth's API.
    plugins: [
      organization({ allowUserToCreateOrganization: false }),
      ...(viaNextHeaders ? [nextCookies()] : []),
    ],
  });
}

type DemoBetterAuth = ReturnType<typeof create>;

const SLOT = Symbol.for("next-authz-kit.demo.better-auth");
interface Held {
  readonly db: DemoDb;
  /** The handler's and the server actions' instance (with `nextCookies()`). */
  readonly auth: DemoBetterAuth;
  /** The kit's session reads (without it): same database, secret and cookies. */
  readonly reader: DemoBetterAuth;
}
const holder = globalThis as typeof globalThis & { [SLOT]?: Held };

/** Both instances over the demo database; new ones when that database was closed and reopened. */
async function held(): Promise<Held> {
  const db = await demoDb();
  const current = holder[SLOT];
  if (current?.db === db) return current;
  const fresh = { db, auth: create(db, true), reader: create(db, false) };
  holder[SLOT] = fresh;
  return fresh;
}

/**
 * The demo's Better Auth instance, over the demo database (opened, migrated and seeded first), for
 * /api/auth/* and the sign-in server actions.
 */
export async function demoBetterAuth(): Promise<DemoBetterAuth> {
  return (await held()).auth;
}

/**
 * `auth.api.getSession` for the kit's Node sources: the `Set-Cookie` lines it returns reach the
 * answers `withAuthorization` lets through, and no refusal.
 */
export const betterAuthApi = {
  api: {
    getSession: async (input: {
      headers: Headers;
      returnHeaders: true;
      query?: { disableCookieCache?: boolean };
    }) => (await held()).reader.api.getSession(input),
  },
};

/** Better Auth's own handler for /api/auth/*. */
export async function betterAuthHandler(request: Request): Promise<Response> {
  // The organization plugin is here for its tables (betterAuthMembers reads them); its endpoints
  // would be a second way to change memberships, beside the kit-guarded /api/orgs/* that DESIGN
  // §1.4 names and the account store the kit decides from. So they are not served.
  if (new URL(request.url).pathname.startsWith("/api/auth/organization/"))
    return denialResponse(notFound("route"), request);
  return (await demoBetterAuth()).handler(request);
}
