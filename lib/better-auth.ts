/**
 * NODE.JS RUNTIME ONLY. The demo on Better Auth (`AUTH_PROVIDER=better-auth`): email and password
 * sign-in for the demo users (same ids, password `demo`), the cookie cache in the strategy of
 * `BETTER_AUTH_COOKIE_CACHE`, telemetry off. Mounted at /api/auth/* (app/api/auth/[...nextauth]).
 *
 * One instance per process, kept on globalThis: Next evaluates modules once per bundle, and every
 * bundle must see the same sessions.
 */
import { betterAuth } from "better-auth";
import { nextCookies } from "better-auth/next-js";
import {
  BETTER_AUTH_CACHE_SECONDS,
  BETTER_AUTH_SECURE,
  BETTER_AUTH_STRATEGY,
  betterAuthSecret,
} from "./auth-provider";
import { betterAuthDatabase } from "./demo/better-auth-db";
import { DEMO_PASSWORD, demoUsers } from "./demo/users";

function create() {
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
    database: betterAuthDatabase(),
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
    plugins: [nextCookies()],
  });
}

type DemoBetterAuth = ReturnType<typeof create>;

const SLOT = Symbol.for("next-authz-kit.demo.better-auth");
const holder = globalThis as typeof globalThis & {
  [SLOT]?: { auth: DemoBetterAuth; seeded: Promise<void> };
};

/** Creates the demo users with their fixed ids and the password `demo`, once. */
async function seed(auth: DemoBetterAuth): Promise<void> {
  const ctx = await auth.$context;
  const hash = await ctx.password.hash(DEMO_PASSWORD);
  const now = new Date();
  for (const user of demoUsers) {
    await ctx.adapter.create({
      model: "user",
      forceAllowId: true,
      data: {
        id: user.id,
        email: user.email,
        name: user.name,
        emailVerified: true,
        role: user.role,
        createdAt: now,
        updatedAt: now,
      },
    });
    await ctx.adapter.create({
      model: "account",
      data: {
        userId: user.id,
        accountId: user.id,
        providerId: "credential",
        password: hash,
        createdAt: now,
        updatedAt: now,
      },
    });
  }
}

function current() {
  let entry = holder[SLOT];
  if (!entry) {
    const auth = create();
    entry = holder[SLOT] = { auth, seeded: seed(auth) };
  }
  return entry;
}

/** The demo's Better Auth instance, with its users seeded before it answers. */
export async function demoBetterAuth(): Promise<DemoBetterAuth> {
  const { auth, seeded } = current();
  await seeded;
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
