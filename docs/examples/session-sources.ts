// lib/authz-edge.ts, for an app that does not sign in with Auth.js: pick the one source that
// matches your sign-in library and pass it as `session` (it runs in middleware and in handlers).
import {
  clerkSession,
  jwksCache,
  JwksUnavailableError,
  sealedCookie,
  signedCookie,
  supabaseSession,
  type ToClaims,
} from "@/lib/authz";

// Supabase Auth: the sb-<ref>-auth-token cookie, verified against the project's signing keys.
// Supabase's `role` is a Postgres role ("authenticated"): take the app's own from app_metadata.
const supabaseRoles: ToClaims = (payload) => {
  const meta = (payload.app_metadata ?? {}) as { role?: string; team?: string };
  return { sub: payload.sub, email: payload.email, role: meta.role ?? "member", tenant: meta.team };
};
export const supabase = supabaseSession({
  url: process.env.NEXT_PUBLIC_SUPABASE_URL ?? "https://<ref>.supabase.co",
  toClaims: supabaseRoles,
});

// Clerk: __session verified with the instance's PEM key, no network call. authorizedParties is
// required: your own origins. The active org becomes `tenant` and `orgs: { [orgId]: "admin" }`.
export const clerk = clerkSession({
  jwtKey: process.env.CLERK_JWT_KEY ?? "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----",
  authorizedParties: ["https://app.example.com"],
});

// iron-session: the same cookieName and password(s) as your getIronSession options.
export const iron = sealedCookie({
  cookieName: "myapp_session",
  password: () => process.env.SESSION_PASSWORD,
});

// Your own session: a jose-signed `session` cookie holding { user: { id: 1 }, expires }, as
// nextjs/saas-starter writes it. The numeric id becomes sub "1"; the team role lives in your
// database, so it is not read here (see "Your own session" in docs/sessions.md).
export const own = signedCookie({ secret: () => process.env.AUTH_SECRET });

// The same with an asymmetric key set (your own issuer's JWKS) and your own claim names.
export const ownWithKeys = signedCookie({
  keys: jwksCache({ url: "https://auth.example.com/.well-known/jwks.json", algorithms: ["ES256"] }),
  toClaims: (payload) =>
    payload.uid === undefined
      ? null
      : { sub: payload.uid, role: payload.admin ? "admin" : "member" },
});

// A key set that cannot be fetched is not "signed out": the source throws and the kit answers 503.
export const isKeyOutage = (error: unknown) => error instanceof JwksUnavailableError;
