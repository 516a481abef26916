/**
 * Who may do what in this app, declared once: roles and their permissions, the policies route
 * handlers, pages and middleware check, and the path areas middleware answers early. Edit this
 * file; everything else reads it. Edge-safe: middleware imports it.
 */
import { defineAccess, definePathRules } from "./authz";

export const access = defineAccess({
  roles: {
    member: { permissions: ["profile:read"] },
    // admin satisfies every member policy too.
    admin: { inherits: ["member"], permissions: ["users:read"] },
  },
});

export const policies = {
  // Signed in, nothing more (anonymous requests get 401, or a sign-in redirect on pages).
  signedIn: access.policy({ name: "signed-in" }),
  // 403 {"error":"Forbidden","message":"Requires admin role","code":"role_required"} otherwise.
  admin: access.policy({ name: "admin", role: "admin" }),
};

// What middleware answers before a page or handler runs. Handlers and pages check again: they are
// the authority, middleware only an early answer. Keep `config.matcher` in middleware in step.
export const pathRules = definePathRules([
  { path: "/admin/**", policy: policies.admin, kind: "page" },
  { path: "/api/admin/**", policy: policies.admin, kind: "api" },
]);
