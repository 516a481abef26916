// The kit as the demo configures it, reduced to what the benchmark routes need.
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { createApiKey } from "@/lib/authz/api-key/key";
import { memoryApiKeyStore } from "@/lib/authz/api-key/memory";
import { apiKeySource } from "@/lib/authz/api-key/source";
import { authJsSession, betterAuthSession } from "@/lib/authz/session";
import { bearerTokenSource } from "@/lib/authz/session/bearer";
import { createDecisionLog, memorySink } from "@/lib/authz/decision-log";
import { subjectFreshness } from "@/lib/authz/subject/freshness";
import { memoryMembershipStore } from "@/lib/authz/subject/memory";

export const access = defineAccess({
  roles: { member: {}, admin: { inherits: ["member"] } },
  orgRoles: { member: { permissions: ["docs:read"] }, admin: { inherits: ["member"] } },
});
export const signedIn = access.policy({ name: "bench-signed-in" });
export const orgMember = access.policy({
  name: "bench-org-member",
  org: { segment: "org", permission: "docs:read" },
});
const session = authJsSession({ secret: () => process.env.AUTH_SECRET });
export const authz = createAuthz({ session });
// The org route's kit: every session's account read through the per-process cache (warm after
// the first request of the cache period, as on a busy instance).
export const orgAuthz = createAuthz({
  session,
  subjects: subjectFreshness({
    source: memoryMembershipStore({ "user-bench": { acme: "member", globex: "admin" } }),
  }),
});

// The same kit with the decision log on: the default memory ring, and a secret so the middleware
// hands its request id on (what the demo does). Compared with the kit above, it is the log's cost.
export const authzLogged = createAuthz({
  session: authJsSession({ secret: () => process.env.AUTH_SECRET }),
  decisionLog: createDecisionLog({
    sinks: [memorySink()],
    secret: () => process.env.AUTH_SECRET,
  }),
});

// Programs as callers and Better Auth (issues 20 and 21): one kit per credential kind, the same
// route behind each. The bench script serves the issuer's JWKS on 127.0.0.1 and names the API key
// and the issuer in the environment of both the build and the server.
export const callers = access.policy({
  name: "bench-callers",
  accepts: ["session", "bearer", "api_key"],
});
const benchEnv = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`the bench app needs ${name} (scripts/bench.mjs sets it)`);
  return value;
};
// A delegated token's user, as an account source would answer for it.
const users = (id: string) => ({ sub: id, role: "member", tenant: "acme" });
export const bearerAuthz = createAuthz({
  session: bearerTokenSource({
    issuer: benchEnv("BENCH_ISSUER"),
    audience: benchEnv("BENCH_AUDIENCE"),
    jwks: benchEnv("BENCH_JWKS_URL"),
    users,
  }),
});
const apiKeys = memoryApiKeyStore();
const apiKeySaved = createApiKey(apiKeys, {
  key: benchEnv("BENCH_API_KEY"),
  name: "bench",
  owner: { type: "user", id: "user-bench" },
  permissions: [],
});
export const apiKeyAuthz = createAuthz({
  session: apiKeySource({
    store: {
      runtime: "edge",
      find: async (hash) => (await apiKeySaved, apiKeys.find(hash)),
      save: (record) => apiKeys.save(record),
      revoke: (id) => apiKeys.revoke(id),
    },
    users,
  }),
});
// Better Auth's cookie cache read at the Edge (the demo's default strategy), no database.
export const betterAuthAuthz = createAuthz({
  session: betterAuthSession({
    secret: () => process.env.AUTH_SECRET,
    strategy: "compact",
    secure: false,
  }),
});
