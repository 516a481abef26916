// Organizations: org roles in the declaration, org policies, and where memberships come from.
import {
  authJsSession,
  createAuthz,
  defineAccess,
  LastOrgAdminError,
  lastOrgAdmin,
  memoryMembershipStore,
  notFound,
  redisMembershipStore,
  subjectFreshness,
  type AccountSource,
  type MembershipStore,
} from "@/lib/authz";
import { createRedisClientFromUrl } from "@/lib/redis-node";

// Org roles sit beside the user roles: held per membership, with the same inheritance.
export const access = defineAccess({
  roles: { member: {}, admin: { inherits: ["member"] } },
  orgRoles: {
    member: { permissions: ["docs:read"] },
    admin: { inherits: ["member"], permissions: ["members:manage"] },
  },
});

export const policies = {
  // Member of the org named by the [org] segment, with a permission of their org role there.
  orgDocs: access.policy({ name: "org-docs", org: { segment: "org", permission: "docs:read" } }),
  orgAdmin: access.policy({ name: "org-admin", org: { segment: "org", role: "admin" } }),
  // A document of another org is a 404 through this org's URL; its owner or an org admin may act.
  orgDocument: access.policy({
    name: "org-document",
    org: { segment: "org" },
    resource: { org: "orgId", owner: "ownerId", orgRoleOverride: "admin" },
  }),
};

// Your database as the membership source: one call per user and cache period.
interface AccountRows {
  findAccount(userId: string): Promise<{
    readonly disabled: boolean;
    readonly memberships: readonly { readonly orgId: string; readonly role: string }[];
  } | null>;
}
export function databaseAccounts(db: AccountRows): AccountSource {
  return {
    async load(userId) {
      const account = await db.findAccount(userId);
      if (account === null || account.disabled) return null; // the kit answers 401
      return { memberships: Object.fromEntries(account.memberships.map((m) => [m.orgId, m.role])) };
    },
  };
}

// Or the kit's own stores: Redis shared by every instance, or memory for one process. Neither lets
// a change leave an org without one of its adminRoles (default ["admin"]).
const adminRoles = ["admin"];
const store: MembershipStore = process.env.REDIS_URL
  ? redisMembershipStore({ client: createRedisClientFromUrl(process.env.REDIS_URL), adminRoles })
  : memoryMembershipStore({ "user-dave": { acme: "member", globex: "admin" } }, { adminRoles });

// Read through a short cache: changes show on other instances within maxAgeMs.
export const subjects = subjectFreshness({ source: store, maxAgeMs: 2_000 });
export const authz = createAuthz({
  session: authJsSession({ secret: () => process.env.AUTH_SECRET }),
  subjects,
});

// app/api/orgs/[org]/documents/route.ts: the handler sees the active org and the caller's role.
export const GET = authz.withAuthorization(policies.orgDocs, async (_request, { subject }) =>
  Response.json({ org: subject.org.id, role: subject.org.role }),
);

// A change the app makes itself: invalidate, so this instance sees it on the next request.
export async function removeMember(org: string, userId: string): Promise<boolean> {
  try {
    return await store.removeMembership(org, userId);
  } finally {
    subjects.invalidate(userId);
  }
}

// app/api/orgs/[org]/members/[userId]/route.ts: the org's last admin cannot leave (409).
export const DELETE = authz.withAuthorization(
  policies.orgAdmin,
  async (request, { subject, params }) => {
    try {
      const removed = await removeMember(subject.org.id, String(params.userId));
      if (!removed) return authz.denialResponse(notFound(), request);
      return new Response(null, { status: 204 });
    } catch (error) {
      if (error instanceof LastOrgAdminError)
        return authz.denialResponse(lastOrgAdmin(error.org), request);
      throw error;
    }
  },
);
