/**
 * Who may read which decision events. The log is tenant data: ids, paths and orgs of the users
 * involved. An admin reads the events of their own tenant's users and of the orgs they administer;
 * everything else is for operators, an explicit grant (the `decisions:read-all` permission of the
 * `operator` role in lib/access.ts). docs/decision-log.md ("Who reads the log") states the model.
 *
 * The rule is pure (`canReadDecision`); `decisionsFor` wires it to the demo's accounts.
 */
import type { DecisionEvent } from "@/lib/authz/decision-log";

/** The reader, as the kit's check gave it: their tenant, the orgs they administer, the grant. */
export interface DecisionReader {
  readonly tenant: string | undefined;
  /** Orgs where the reader's membership role is `admin` (current, from the account store). */
  readonly adminOrgs: ReadonlySet<string>;
  /** Holds `decisions:read-all`: sees every event. */
  readonly operator: boolean;
}

/** What the rule needs to know about the users events name. */
export interface SubjectDirectory {
  /** A known user's tenant; undefined for an id the app does not know. */
  tenantOf(subject: string): string | undefined;
  /** Whether a user is (now) a member of an org. */
  isMember(subject: string, org: string): boolean;
}

// `/orgs/<org>` pages and `/api/orgs/<org>/...` handlers: the demo's only org-named paths.
const ORG_PATH = /^\/(?:api\/)?orgs\/([^/?#]+)(\/|$)/;

/**
 * The org a path names, decoded; undefined when it names none, when the segment may have been cut
 * (a truncated path that ends inside it), or when it does not decode.
 */
export function orgOfPath(path: string, truncated: boolean): string | undefined {
  const match = ORG_PATH.exec(path);
  if (!match) return undefined;
  if (truncated && match[2] === "") return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}

/**
 * Whether `reader` may see `event`:
 * - an operator sees everything;
 * - an event inside an org (its `org`, else the org its path names) whose subject is a member of
 *   that org, or anonymous, belongs to the org: its admins see it;
 * - any other event with a known subject belongs to the subject's tenant: that tenant's admins see it
 *   (a user's refused probe of an org they are not in is their own tenant's business, not the org's);
 * - what is left (anonymous outside any org, an unknown or truncated subject, a cut org) is for
 *   operators only.
 *
 * @example
 * const visible = events.filter((e) => canReadDecision(reader, directory, e));
 */
export function canReadDecision(
  reader: DecisionReader,
  directory: SubjectDirectory,
  event: DecisionEvent,
): boolean {
  if (reader.operator) return true;
  const cut = event.truncated ?? {};
  if (cut.org !== undefined) return false;
  const org = event.org ?? orgOfPath(event.path, cut.path !== undefined);
  const subject = event.subject;
  const known = subject !== null && cut.subject === undefined;
  if (org !== undefined && (subject === null || (known && directory.isMember(subject, org))))
    return reader.adminOrgs.has(org);
  if (!known) return false;
  const tenant = directory.tenantOf(subject);
  return tenant !== undefined && reader.tenant !== undefined && tenant === reader.tenant;
}
