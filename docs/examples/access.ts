// lib/access.ts: declare roles, permissions, plans and features once; every policy is typed from it.
import { defineAccess } from "@/lib/authz";

export const access = defineAccess({
  roles: {
    member: { permissions: ["documents:read", "reports:export"] },
    admin: { inherits: ["member"], permissions: ["users:delete"] }, // admin satisfies member
  },
  plans: {
    free: { features: [] },
    pro: { features: ["export"], label: "pro" },
  },
  upgradeUrl: "/pricing",
});

export const policies = {
  // Signed in, nothing more (the default: deny anonymous).
  signedIn: access.policy({ name: "signed-in" }),
  // Role: 403 {"error":"Forbidden","message":"Requires admin role","code":"role_required",...}
  admin: access.policy({ name: "admin", role: "admin" }),
  // Permission: every listed one is needed.
  deleteUsers: access.policy({ name: "delete-users", permission: "users:delete" }),
  // Plan feature: 403 "Requires pro plan" with required_plan and upgrade_url.
  // Rate limit: 5 calls per minute per user, then 429 with Retry-After and RateLimit fields.
  exportReports: access.policy({
    name: "export",
    feature: "export",
    rateLimit: { operation: "reports.export", limit: 5, window: "1m" },
  }),
  // Tenant and owner of a loaded resource; another tenant's document is a 404, not a 403.
  deleteDocument: access.policy({
    name: "delete-document",
    resource: {
      tenant: "tenantId",
      owner: "ownerId",
      ownerOverride: "admin",
      conceal: "cross-tenant",
    },
  }),
  // IP allow list (CIDR), whoever is signed in; an address that cannot be known is refused.
  opsOnly: access.policy({
    name: "ops",
    signedIn: false,
    ip: { allow: ["10.0.0.0/8", "2001:db8::/32"] },
  }),
};
