/**
 * NODE.JS RUNTIME ONLY. The demo's configured kit for route handlers, pages and server actions:
 * the edge-safe options of lib/authz-edge.ts plus the rate-limit store. Rate limits live in Redis
 * when REDIS_URL is set, so every instance shares one count; otherwise in this process's memory,
 * which is right for development and a single server only. The same goes for accounts and org
 * memberships (lib/demo/accounts.ts).
 */
import {
  authJsSecrets,
  authJsSession,
  createAuthz,
  credentialSource,
  memoryRateLimitStore,
  sessionFromBetterAuth,
} from "@/lib/authz";
import { createActionGuard } from "@/lib/authz/action";
import { redisRateLimitStore } from "@/lib/authz/rate-limit/redis";
import { createPageGuard } from "@/lib/authz/server";
import { SIGN_IN_PATH } from "./auth.config";
import { AUTH_PROVIDER, demoClaimsFromBetterAuth } from "./auth-provider";
import { authzOptions, demoBearer, demoSession } from "./authz-edge";
import { betterAuthApi } from "./better-auth";
import { demoApiKeySource } from "./demo/api-keys";
import { decisionLog } from "./decision-log-node";
import { demoAccounts } from "./demo/accounts";
import { createRedisClientFromUrl } from "./redis-node";

const redisUrl = process.env.REDIS_URL;

// Under Better Auth, handlers, pages and actions read its cookie cache themselves while it is
// valid (what Better Auth's own getSession answers then, without a database read or a Set-Cookie),
// and ask Better Auth when the cache cannot decide (absent, expired, another session's): the list
// goes on from an "unknown". `authoritative` policies skip the cache, so a sign-out is refused at
// once. Auth.js JWT sessions have no server-side record: the cookie, with the account store's check
// that the account still exists, is as authoritative as that provider gets.
const authJsCookie = authJsSession({ secret: () => authJsSecrets(process.env) });
const cookie =
  AUTH_PROVIDER === "better-auth"
    ? {
        session: [
          demoSession,
          sessionFromBetterAuth(betterAuthApi, { toClaims: demoClaimsFromBetterAuth }),
        ],
        authoritative: sessionFromBetterAuth(betterAuthApi, {
          authoritative: true,
          toClaims: demoClaimsFromBetterAuth,
        }),
      }
    : { session: [authJsCookie], authoritative: credentialSource(authJsCookie, "authjs") };

export const authz = createAuthz({
  ...authzOptions,
  // Header credentials first (bearer tokens, API keys), then the cookie session.
  session: [...(demoBearer ? [demoBearer] : []), demoApiKeySource, ...cookie.session],
  authoritativeSession: cookie.authoritative,
  // Every session's account (deleted? which orgs?) from the store, never only from the cookie.
  subjects: demoAccounts.subjects,
  rateLimitStore: redisUrl
    ? redisRateLimitStore({
        client: createRedisClientFromUrl(redisUrl),
        prefix: "next-authz-kit:rl",
      })
    : memoryRateLimitStore(),
  decisionLog,
});

export const { withAuthorization } = authz;
export const { authorize, authorizeAction, requestId } = createPageGuard(authz, {
  signInPath: SIGN_IN_PATH,
});
export const { withAuthorizationAction } = createActionGuard(authz);
