/**
 * The demo's access model: roles, plans and policies, declared once. Route handlers, pages and
 * middleware.ts all read their policies from here (the one file a user of the kit edits).
 * Edge-safe: middleware.ts imports it.
 */
import { defineAccess, definePathRules } from "@/lib/authz";
import { withShadow } from "@/lib/authz/decision-log";

const declaration = {
  roles: {
    member: { permissions: ["documents:read", "documents:delete-own", "reports:export"] },
    admin: {
      inherits: ["member"],
      permissions: ["users:read", "users:delete", "documents:delete-any"],
    },
    // The explicit grant to read every tenant's decision events (docs/decision-log.md, "Who reads
    // the log"); an admin reads only their own tenant's and admin orgs'. No demo user holds it.
    operator: { inherits: ["admin"], permissions: ["decisions:read-all"] },
  },
  plans: {
    free: { features: [], label: "free" },
    pro: { features: ["export"], label: "pro" },
  },
  upgradeUrl: "/pricing",
  // Held per organization: dave is a member of acme and an admin of globex at the same time.
  orgRoles: {
    member: { permissions: ["org:documents:read", "org:documents:delete-own"] },
    admin: { inherits: ["member"], permissions: ["org:members:manage"] },
  },
} as const;

export type AccessDeclarationOfDemo = typeof declaration;

export const access = defineAccess(declaration);

/** Loopback only unless the deployment names its operators' networks. */
const opsAllowedIps = (process.env.OPS_ALLOWED_IPS ?? "127.0.0.1/32,::1/128")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);

export const policies = {
  signedIn: access.policy({ name: "signed-in" }),
  // GET /api/me: a browser session, or a bearer token of any scope (DESIGN §1.8).
  me: access.policy({ name: "me", accepts: ["session", "bearer"] }),
  admin: access.policy({ name: "admin", role: "admin" }),
  // An admin manages the users of its own tenant; another tenant's user is a 404, like a missing one.
  // Sensitive: a sign-in within 10 minutes, the authoritative session source, and for programs a
  // bearer token with scope users:delete (never an API key).
  manageUser: access.policy({
    name: "manage-user",
    role: "admin",
    // Asks the sign-in library itself: a signed-out session is refused at once, not after the
    // cookie cache's 300 s (Better Auth); under Auth.js the JWT cookie is all there is.
    authoritative: true,
    resource: { tenant: "tenant", conceal: "cross-tenant" },
    accepts: ["session", "bearer"],
    scopes: ["users:delete"],
    fresh: "10m",
  }),
  // What middleware can check of manage-user from claims alone (no account, no resource).
  adminApi: access.policy({ name: "admin-api", role: "admin", accepts: ["session", "bearer"] }),
  // GET /api/documents: any signed-in user may ask; the rows come from readDocument or
  // deleteDocument's list filter (lib/demo/lists.ts), so the list and the single check agree.
  listDocuments: access.policy({ name: "list-documents" }),
  readDocument: access.policy({
    name: "read-document",
    permission: "documents:read",
    resource: { tenant: "tenantId", conceal: "cross-tenant" },
  }),
  deleteDocument: access.policy({
    name: "delete-document",
    permission: "documents:delete-own",
    resource: {
      tenant: "tenantId",
      owner: "ownerId",
      ownerOverride: "admin",
      conceal: "cross-tenant",
    },
  }),
  // In shadow: opening export to every plan. The decision log shows whom it would change (the
  // free plan's members) before the switch; enforcement stays the pro-plan rule above.
  // Programs too: a bearer token with scope reports:export, or an API key with that permission;
  // the 5 per minute are counted per user, shared with that user's sessions.
  exportReports: withShadow(
    access.policy({
      name: "export-reports",
      feature: "export",
      rateLimit: { operation: "reports.export", limit: 5, window: "1m" },
      accepts: ["session", "bearer", "api_key"],
      scopes: ["reports:export"],
    }),
    access.policy({
      name: "export-reports-all-plans",
      permission: "reports:export",
      rateLimit: { operation: "reports.export", limit: 5, window: "1m" },
      accepts: ["session", "bearer", "api_key"],
      scopes: ["reports:export"],
    }),
  ),
  // Organizations: the active org is the [org] route segment, checked against the caller's
  // memberships from the account store on every request; a non-member gets the unknown-org 404.
  orgDocuments: access.policy({
    name: "org-documents",
    org: { segment: "org", permission: "org:documents:read" },
  }),
  orgDocument: access.policy({
    name: "org-document",
    org: { segment: "org", permission: "org:documents:read" },
    resource: { org: "tenantId" },
  }),
  deleteOrgDocument: access.policy({
    name: "delete-org-document",
    org: { segment: "org", permission: "org:documents:delete-own" },
    resource: { org: "tenantId", owner: "ownerId", orgRoleOverride: "admin" },
  }),
  orgMembers: access.policy({
    name: "org-members",
    org: { segment: "org", role: "admin" },
    authoritative: true,
  }),
  opsMetrics: access.policy({ name: "ops-metrics", signedIn: false, ip: { allow: opsAllowedIps } }),
};

/**
 * What middleware.ts checks before a request reaches a page or handler: the same policy objects,
 * claims only (resource ownership and rate limits stay in the handlers, which check everything
 * again). Every rule that matches must allow. Only paths in middleware.ts's `config.matcher` are
 * checked at all: docs/middleware.md explains which and why.
 */
export const pathRules = definePathRules([
  { path: "/dashboard/**", policy: policies.signedIn, kind: "page" },
  // Claims decide "signed in" at the edge; membership needs the account store: the page checks it.
  { path: "/orgs/**", policy: policies.signedIn, kind: "page" },
  { path: "/admin/**", policy: policies.admin, kind: "page" },
  // DELETE /api/admin/users/[id] also takes bearer tokens; every other admin API sessions only.
  { path: "/api/admin/users/[id]", methods: ["DELETE"], policy: policies.adminApi, kind: "api" },
  {
    path: "/api/admin/**",
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "OPTIONS"],
    policy: policies.admin,
    kind: "api",
  },
  { path: "/api/ops/**", policy: policies.opsMetrics, kind: "api" },
]);
