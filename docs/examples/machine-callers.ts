// Programs as callers: bearer access tokens and API keys beside the cookie session.
import {
  apiKeyPresence,
  apiKeySource,
  authJsSession,
  bearerTokenSource,
  createApiKey,
  createAuthz,
  createChecker,
  credentialSource,
  memoryApiKeyStore,
  PROTECTED_RESOURCE_PATH,
  protectedResourceMetadata,
  redisApiKeyStore,
  type SessionClaims,
} from "@/lib/authz";
import { createRedisClientFromUrl } from "@/lib/redis-node";
import { access } from "@/lib/access";

// Who an account is comes from your own store, never from a token or key.
const accounts = async (userId: string): Promise<SessionClaims | null> =>
  userId === "user-carol" ? { sub: userId, role: "member", tenant: "globex", plan: "pro" } : null;

const cookie = authJsSession({ secret: () => process.env.AUTH_SECRET });
const bearer = bearerTokenSource({
  issuer: "https://auth.example.com",
  audience: "https://api.example.com",
  jwks: "https://auth.example.com/.well-known/jwks.json",
  users: accounts,
  resourceMetadata: `https://api.example.com${PROTECTED_RESOURCE_PATH}`,
});
const keyStore = process.env.REDIS_URL
  ? redisApiKeyStore({ client: createRedisClientFromUrl(process.env.REDIS_URL) })
  : memoryApiKeyStore();
export const apiKeys = apiKeySource({ store: keyStore, users: accounts });

// Header credentials are asked first; a request with one is decided by it alone.
export const authz = createAuthz({
  session: [bearer, apiKeys, cookie],
  authoritativeSession: credentialSource(cookie, "authjs"), // or Better Auth's getSession source
});
// Edge middleware: no Node store there, so a key is left to the route handler.
export const edgeChecks = createChecker({ session: [bearer, apiKeyPresence(), cookie] });

// Each policy says which kinds may call it (default: sessions only).
export const exportReports = access.policy({
  name: "export-api",
  feature: "export",
  accepts: ["session", "bearer", "api_key"],
  scopes: ["reports:export"],
});
export const deleteAccount = access.policy({
  name: "delete-account",
  accepts: ["session", "bearer"],
  fresh: "10m", // 401 reauthentication_required, or RFC 9470 for a bearer token
  authoritative: true,
});

// A key is shown once; the store keeps its SHA-256 hash.
export async function issueKey(): Promise<string> {
  const { key } = await createApiKey(keyStore, {
    name: "CI export",
    owner: { type: "user", id: "user-carol" },
    permissions: ["reports:export"],
  });
  return key;
}

// GET /.well-known/oauth-protected-resource (RFC 9728), from the policies.
export const metadata = protectedResourceMetadata({
  resource: "https://api.example.com",
  authorizationServers: ["https://auth.example.com"],
  policies: [exportReports, deleteAccount],
});
