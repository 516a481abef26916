/**
 * next-authz-kit: the public, edge-safe surface. Import from here in app code, `middleware.ts`
 * and `proxy.ts`. Three entry points stay separate on purpose, so nothing pulls them in by accident:
 * `./server` (pages and server actions: `next/headers`), `./testing` (tests: `next-auth/jwt`) and
 * `./rate-limit/redis` (the Redis store, which takes the app's own client).
 */
export { defineAccess } from "./decide/access";
export type {
  Access,
  AccessDeclaration,
  Checker,
  CheckOptions,
  CredentialRules,
  FeatureOf,
  FreshOptions,
  Granted,
  OrgPermissionOf,
  OrgRoleOf,
  OrgSubject,
  PermissionOf,
  PlanOf,
  Policy,
  PolicyRules,
  RateLimitOptions,
  ResourceOptions,
  RoleOf,
  Subject,
  SubjectFor,
} from "./types";
export { createChecker } from "./decide/authz";
export { createAuthz } from "./entry/create-authz";
export { AuthzConfigError } from "./errors";
export type { AuthzConfigErrorCode } from "./errors";
export type { AuthzChecker, AuthzOptions } from "./decide/authz";
export type { Authz } from "./entry/create-authz";
export type { ActiveOrg, Membership } from "./org/membership";
export type { OrgRoleDeclaration } from "./org/roles";
export type { OrgRuleOptions } from "./org/rule";
export { subjectFreshness } from "./subject/freshness";
export { accountClaims } from "./session/account-claims";
export type {
  AccountClaimsOptions,
  AccountClaimsRecord,
  AccountClaimsSource,
} from "./session/account-claims";
export type { SubjectFreshness, SubjectFreshnessOptions } from "./subject/freshness";
export { memoryMembershipStore } from "./subject/memory";
export type { MemoryMembershipStore, MemoryMembershipStoreOptions } from "./subject/memory";
export { LastOrgAdminError, lastOrgAdmin } from "./subject/last-admin";
export { redisMembershipStore } from "./subject/redis";
export { betterAuthMembers } from "./subject/better-auth";
export type {
  BetterAuthDbAdapter,
  BetterAuthMembersOptions,
  BetterAuthWhere,
} from "./subject/better-auth";
export type { RedisMembershipStoreOptions, RedisScriptClient } from "./subject/redis";
export type {
  AccountRecord,
  AccountSeed,
  AccountSource,
  MembershipStore,
  OrgMember,
} from "./subject/source";
export { DenyStatus, deny, notFound } from "./decide/decision";
export type { Allow, Decision, Deny, DenyCode, DenyStatusCode } from "./decide/decision";
export { DEFAULT_CHALLENGE, denialResponse, wantsProblemJson } from "./http/respond";
export type { ResponseOptions } from "./http/respond";
export { guardOf, publicRoute } from "./entry/route";
export { publicLayout, publicPage } from "./entry/public-page";
export type { PublicRenderMark } from "./entry/public-page";
export type {
  AuthorizedContext,
  AuthorizedHandler,
  RouteContext,
  RouteHandler,
  RouteOptions,
} from "./entry/route";
export { authorizationMiddleware, MIDDLEWARE_LAYER_HEADER } from "./middleware";
export type { AuthorizationMiddleware, AuthorizationMiddlewareOptions } from "./middleware";
export { definePathRules } from "./decide/path";
export type { PathRule } from "./decide/path";
export {
  AUTHJS_COOKIE_NAME,
  authJsSecrets,
  authJsSession,
  BETTER_AUTH_COOKIE_PREFIX,
  betterAuthClaims,
  betterAuthSession,
  NEXTAUTH_V4_COOKIE_NAME,
  nextAuthV4Session,
  parseBetterAuthRoles,
  sessionFromAuth,
  sessionFromBetterAuth,
} from "./session";
export type {
  BetterAuthCacheStrategy,
  BetterAuthLike,
  BetterAuthNodeSource,
  BetterAuthSecret,
  BetterAuthSessionLike,
  BetterAuthSessionOptions,
  SessionClaims,
  SessionFromBetterAuthOptions,
  SessionSource,
} from "./session";
export {
  clerkSession,
  jwksCache,
  JwksUnavailableError,
  sealedCookie,
  signedCookie,
  supabaseSession,
} from "./session";
export type {
  ClerkSessionOptions,
  JwksCacheOptions,
  SealedCookieOptions,
  SignedCookieOptions,
  SupabaseSessionOptions,
  ToClaims,
} from "./session";
export { bearerTokenSource } from "./session/bearer";
export type { BearerTokenSourceOptions } from "./session/bearer";
export { credentialSource } from "./session/credential";
export type {
  Authenticated,
  Challenge,
  CredentialKind,
  CredentialSource,
  SessionInput,
  SourceOutcome,
  SourceRuntime,
} from "./session/credential";
export { apiKeyPresence, apiKeySource } from "./api-key/source";
export type { ApiKeySource, ApiKeySourceOptions } from "./api-key/source";
export { createApiKey } from "./api-key/key";
export type {
  ApiKeyOwner,
  ApiKeyRecord,
  ApiKeyStore,
  ApiKeyVerifier,
  CreateApiKeyOptions,
} from "./api-key/key";
export { memoryApiKeyStore } from "./api-key/memory";
export type { MemoryApiKeyStore } from "./api-key/memory";
export { redisApiKeyStore } from "./api-key/redis";
export type { RedisApiKeyStoreOptions } from "./api-key/redis";
export { PROTECTED_RESOURCE_PATH, protectedResourceMetadata } from "./http/resource-metadata";
export type { ProtectedResourceMetadata, ProtectedResourceOptions } from "./http/resource-metadata";
export { clientIpFrom, ipMatcher, parseIp, proxyTrustFromEnv, requestHostFrom } from "./ip";
export type { ParsedIp, ProxyTrust } from "./ip";
export { memoryRateLimitStore } from "./rate-limit/memory";
export { upstashRateLimitStore } from "./rate-limit/upstash";
export type { RateLimitResult, RateLimitRule, RateLimitStore } from "./rate-limit/store";
export { parseDuration } from "./decide/duration";
export type { Duration } from "./decide/duration";
export type { StandardSchemaV1 } from "./decide/schema";
