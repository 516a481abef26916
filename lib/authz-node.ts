/**
 * NODE.JS RUNTIME ONLY. The demo's configured kit for route handlers, pages and server actions:
 * the edge-safe options of lib/authz-edge.ts plus the rate-limit store. Rate limits live in Redis
 * when REDIS_URL is set, so every instance shares one count; otherwise in this process's memory,
 * which is right for development and a single server only. The same goes for accounts and org
 * memberships (lib/demo/accounts.ts).
 */
import { createAuthz, credentialSource, memoryRateLimitStore } from "@/lib/authz";
import { createActionGuard } from "@/lib/authz/action";
import { redisRateLimitStore } from "@/lib/authz/rate-limit/redis";
import { createPageGuard } from "@/lib/authz/server";
import { SIGN_IN_PATH } from "./auth.config";
import { authzOptions, demoBearer, demoSession } from "./authz-edge";
import { demoApiKeySource } from "./demo/api-keys";
import { decisionLog } from "./decision-log-node";
import { demoAccounts } from "./demo/accounts";
import { createRedisClientFromUrl } from "./redis-node";

const redisUrl = process.env.REDIS_URL;

export const authz = createAuthz({
  ...authzOptions,
  session: [...(demoBearer ? [demoBearer] : []), demoApiKeySource, demoSession],
  // Auth.js JWT sessions have no server-side record: the cookie, with the account store's check
  // that the account still exists, is as authoritative as this provider gets.
  authoritativeSession: credentialSource(demoSession, "authjs"),
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
