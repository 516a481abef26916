/**
 * NODE.JS RUNTIME ONLY (the account store). The decisions a signed-in reader may see, for
 * GET /api/admin/decisions and /admin/decisions: every event for an operator, otherwise the
 * reader's tenant's and admin orgs' events among the latest ones (lib/decision-log-scope.ts).
 */
import { access, type AccessDeclarationOfDemo } from "@/lib/access";
import type { Subject } from "@/lib/authz";
import type { DecisionEvent } from "@/lib/authz/decision-log";
import { decisionLog } from "./decision-log-node";
import { canReadDecision, type DecisionReader } from "./decision-log-scope";
import { demoAccounts } from "./demo/accounts";
import { demoUsers } from "./demo/users";

/** How many of the latest events a scoped reader's view is drawn from (the log's read limit). */
export const SCOPED_WINDOW = 1000;

const tenantOf = new Map(demoUsers.map((u) => [u.id, u.tenant]));

/** The reader the rule sees: tenant, administered orgs (current memberships), the grant. */
export function readerOf(subject: Subject<AccessDeclarationOfDemo>): DecisionReader {
  return {
    tenant: subject.tenant,
    adminOrgs: new Set(
      (subject.memberships ?? []).filter((m) => m.role === "admin").map((m) => m.org),
    ),
    operator: access.hasPermission(subject, "decisions:read-all"),
  };
}

/**
 * The latest `limit` events `subject` may read, newest first. Rejects when the log or the account
 * store cannot be read: the caller answers 503, never an unscoped list.
 *
 * @example
 * const decisions = await decisionsFor(subject, 50);
 */
export async function decisionsFor(
  subject: Subject<AccessDeclarationOfDemo>,
  limit: number,
): Promise<readonly DecisionEvent[]> {
  const reader = readerOf(subject);
  if (reader.operator) return decisionLog.recent(limit);
  const events = await decisionLog.recent(SCOPED_WINDOW);
  // Current memberships of the known users the events name: one cached read per user.
  const orgsOf = new Map<string, ReadonlySet<string>>();
  const named = new Set<string>();
  for (const e of events) if (e.subject !== null && tenantOf.has(e.subject)) named.add(e.subject);
  await Promise.all(
    [...named].map(async (id) => {
      const record = await demoAccounts.subjects.read(id);
      const orgs = Object.entries(record?.memberships ?? {})
        .filter(([, role]) => access.orgRoles.isRole(role))
        .map(([org]) => org);
      orgsOf.set(id, new Set(orgs));
    }),
  );
  const directory = {
    tenantOf: (id: string) => tenantOf.get(id),
    isMember: (id: string, org: string) => orgsOf.get(id)?.has(org) ?? false,
  };
  const visible: DecisionEvent[] = [];
  for (const event of events) {
    if (visible.length >= limit) break;
    if (canReadDecision(reader, directory, event)) visible.push(event);
  }
  return visible;
}
