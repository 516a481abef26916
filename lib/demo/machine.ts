/**
 * EDGE-SAFE. The demo's callers that are programs (DESIGN §1.8): bearer access tokens from the
 * issuer named by OIDC_ISSUER / OIDC_AUDIENCE / OIDC_JWKS_URL (off while any is unset), and
 * carol's published API key. A token or key names an account; who that account is (role, tenant,
 * plan) comes from the demo's users here, and its memberships from the account store.
 */
import {
  bearerTokenSource,
  PROTECTED_RESOURCE_PATH,
  type CredentialSource,
  type SessionClaims,
} from "@/lib/authz";
import { demoUsers } from "./users";

/** Carol's demo key (DESIGN §1.8): permission `reports:export`. Published, so stored hashed only. */
export const DEMO_API_KEY = "sk_demo_carol_0123456789abcdef0123456789abcdef";

/** The claims of a demo account by id, as its sign-in would write them; null for no such user. */
export function demoUserClaims(userId: string): SessionClaims | null {
  const user = demoUsers.find((u) => u.id === userId);
  if (!user) return null;
  const { id, email, name, role, tenant, plan } = user;
  return { sub: id, email, name, role, tenant, plan };
}

/** The issuer settings, or null while the demo takes no bearer tokens. */
export function oidcSettings(env: Readonly<Record<string, string | undefined>>) {
  const issuer = env.OIDC_ISSUER;
  const audience = env.OIDC_AUDIENCE;
  const jwksUrl = env.OIDC_JWKS_URL;
  if (!issuer || !audience || !jwksUrl) return null;
  return { issuer, audience, jwksUrl };
}

/** The bearer token source for the demo's issuer, or null while OIDC_* are unset. */
export function demoBearerSource(
  env: Readonly<Record<string, string | undefined>>,
): CredentialSource | null {
  const oidc = oidcSettings(env);
  if (!oidc) return null;
  return bearerTokenSource({
    issuer: oidc.issuer,
    audience: oidc.audience,
    jwks: oidc.jwksUrl,
    users: demoUserClaims,
    ...(URL.canParse(oidc.audience)
      ? { resourceMetadata: new URL(PROTECTED_RESOURCE_PATH, oidc.audience).href }
      : {}),
  });
}
