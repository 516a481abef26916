import type { OrgRoleOf, PlanOf, RoleOf } from "@/lib/authz";
import type { AccessDeclarationOfDemo } from "../access";

/** A demo account: the claims it signs in with. Passwords are all "demo" (docs/demo.md). */
export interface DemoUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: RoleOf<AccessDeclarationOfDemo>;
  readonly tenant: string;
  readonly plan: PlanOf<AccessDeclarationOfDemo>;
}

export const DEMO_PASSWORD = "demo";

export const demoUsers: readonly DemoUser[] = [
  {
    id: "user-alice",
    email: "alice@example.com",
    name: "Alice",
    role: "admin",
    tenant: "acme",
    plan: "pro",
  },
  {
    id: "user-bob",
    email: "bob@example.com",
    name: "Bob",
    role: "member",
    tenant: "acme",
    plan: "free",
  },
  {
    id: "user-carol",
    email: "carol@example.com",
    name: "Carol",
    role: "member",
    tenant: "globex",
    plan: "pro",
  },
  {
    id: "user-dave",
    email: "dave@example.com",
    name: "Dave",
    role: "member",
    tenant: "acme",
    plan: "pro",
  },
];

/**
 * Every demo account's org memberships (org id → org role) when the demo starts: the seed of the
 * membership store, not session claims (memberships change while a cookie lives on).
 */
export const demoMemberships = {
  "user-alice": { acme: "admin" },
  "user-bob": { acme: "member" },
  "user-carol": { globex: "member" },
  "user-dave": { acme: "member", globex: "admin" },
} as const satisfies Readonly<
  Record<string, Readonly<Record<string, OrgRoleOf<AccessDeclarationOfDemo>>>>
>;

/** The demo's organizations, in the order the console lists them. */
export const demoOrgs = ["acme", "globex"] as const;

/** Finds a demo user by email, case-insensitively. */
export function findDemoUser(email: string): DemoUser | undefined {
  const wanted = email.trim().toLowerCase();
  return demoUsers.find((u) => u.email === wanted);
}
