// lib/guard.ts: the configured kit for route handlers, pages and server actions (Node runtime).
import { createAuthz, memoryRateLimitStore } from "@/lib/authz";
import { createPageGuard } from "@/lib/authz/server";
import { authzOptions } from "./options";

export const authz = createAuthz({
  ...authzOptions,
  // One process only: use the Redis store (or Upstash) when you run more than one instance.
  rateLimitStore: memoryRateLimitStore({ maxKeys: 50_000 }),
  onError: (error, { stage, policy }) => console.error(`authz ${stage} error in ${policy}`, error),
});

export const { withAuthorization } = authz;

// Pages and server components: anonymous visitors go to signInPath?callbackUrl=<the page>.
export const { authorize } = createPageGuard(authz, { signInPath: "/signin" });
