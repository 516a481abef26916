/**
 * The decision log is tenant data (issue 23, point 2): lib/decision-log-scope.ts decides which
 * events a reader sees. The demo's tenants, orgs and memberships (DESIGN §1.1 and §1.4): alice is
 * acme's admin (tenant and org), bob and dave are acme users, carol is globex's, dave also
 * administers globex.
 */
import { describe, expect, it } from "vitest";
import type { DecisionEvent } from "@/lib/authz/decision-log";
import {
  canReadDecision,
  orgOfPath,
  type DecisionReader,
  type SubjectDirectory,
} from "@/lib/decision-log-scope";
import { demoMemberships, demoUsers } from "@/lib/demo/users";

const directory: SubjectDirectory = {
  tenantOf: (id) => demoUsers.find((u) => u.id === id)?.tenant,
  isMember: (id, org) =>
    Object.prototype.hasOwnProperty.call(
      (demoMemberships as Record<string, Record<string, string>>)[id] ?? {},
      org,
    ),
};

const readers = {
  // alice: role admin, tenant acme, admin of org acme.
  acmeAdmin: { tenant: "acme", adminOrgs: new Set(["acme"]), operator: false },
  // A globex tenant admin who administers org globex (no demo user; the mirror of alice).
  globexAdmin: { tenant: "globex", adminOrgs: new Set(["globex"]), operator: false },
  operator: { tenant: "acme", adminOrgs: new Set<string>(), operator: true },
} satisfies Record<string, DecisionReader>;

const ev = (over: Partial<DecisionEvent>): DecisionEvent => ({
  time: "2026-12-07T16:00:00.000Z",
  requestId: "r",
  layer: "route",
  policy: "p",
  outcome: "deny",
  status: 403,
  subject: null,
  method: "GET",
  path: "/api/me",
  durationMs: 1,
  ...over,
});

// [what, event, visible to acme admin, visible to globex admin]
const CORPUS: [string, DecisionEvent, boolean, boolean][] = [
  ["alice's own call", ev({ subject: "user-alice", path: "/api/admin/users" }), true, false],
  [
    "bob (acme) refused on the admin API",
    ev({ subject: "user-bob", path: "/api/admin/users" }),
    true,
    false,
  ],
  [
    "carol (globex) refused on the admin API",
    ev({ subject: "user-carol", path: "/api/admin/users" }),
    false,
    true,
  ],
  [
    "carol reads her globex documents",
    ev({ subject: "user-carol", org: "globex", path: "/api/orgs/globex/documents" }),
    false,
    true,
  ],
  // Inside an org the event is the org's: dave's globex work is not acme's to read.
  [
    "dave (acme user) works in globex",
    ev({ subject: "user-dave", org: "globex", path: "/api/orgs/globex/documents/doc-globex-3" }),
    false,
    true,
  ],
  [
    "dave works in acme",
    ev({ subject: "user-dave", org: "acme", path: "/api/orgs/acme/documents" }),
    true,
    false,
  ],
  [
    "dave's middleware event on a globex page (org from the path)",
    ev({ layer: "middleware", subject: "user-dave", path: "/orgs/globex" }),
    false,
    true,
  ],
  // A probe of an org the user is not in is the prober's tenant's business, not the org's.
  [
    "carol probes acme's org API",
    ev({ subject: "user-carol", org: "acme", path: "/api/orgs/acme/members" }),
    false,
    true,
  ],
  [
    "bob probes globex's org API",
    ev({ subject: "user-bob", org: "globex", path: "/api/orgs/globex/documents" }),
    true,
    false,
  ],
  // Anonymous: by the path's org if it names one, else operators only.
  ["anonymous on acme's org API", ev({ path: "/api/orgs/acme/documents" }), true, false],
  ["anonymous on a globex page", ev({ layer: "middleware", path: "/orgs/globex" }), false, true],
  ["anonymous on an escaped org segment", ev({ path: "/api/orgs/%61cme/documents" }), true, false],
  [
    "anonymous on an undecodable org segment",
    ev({ path: "/api/orgs/%E0%A4%A/documents" }),
    false,
    false,
  ],
  ["anonymous on /api/me", ev({ path: "/api/me" }), false, false],
  ["anonymous on the admin API", ev({ path: "/api/admin/users" }), false, false],
  ["anonymous action (no path)", ev({ layer: "action", method: "POST", path: "" }), false, false],
  // Ids the app does not know, or that were cut, cannot be attributed.
  ["an unknown user id", ev({ subject: "user-mallory", path: "/api/me" }), false, false],
  ["a cut subject id", ev({ subject: "user-bob", truncated: { subject: 10 } }), false, false],
  [
    "a cut subject inside an org",
    ev({ subject: "user-bob", org: "acme", truncated: { subject: 4 } }),
    false,
    false,
  ],
  ["a cut org", ev({ subject: "user-alice", org: "acme", truncated: { org: 3 } }), false, false],
  [
    "anonymous, a cut path ending in its org segment",
    ev({ path: "/api/orgs/acme", truncated: { path: 40 } }),
    false,
    false,
  ],
  [
    "anonymous, a cut path past its org segment",
    ev({ path: "/api/orgs/acme/xxxx", truncated: { path: 40 } }),
    true,
    false,
  ],
  ["a path that only looks like an org path", ev({ path: "/api/orgsacme/x" }), false, false],
];

describe("canReadDecision: tenant admins, org admins, operators", () => {
  it.each(CORPUS)("%s", (_what, event, acme, globex) => {
    expect(canReadDecision(readers.acmeAdmin, directory, event)).toBe(acme);
    expect(canReadDecision(readers.globexAdmin, directory, event)).toBe(globex);
    expect(canReadDecision(readers.operator, directory, event)).toBe(true);
  });

  it("an acme admin sees no globex user and nothing done inside globex by its members", () => {
    const seen = CORPUS.filter(([, e]) => canReadDecision(readers.acmeAdmin, directory, e));
    for (const [what, e] of seen) {
      const org = e.org ?? orgOfPath(e.path, false);
      if (e.subject === null) expect(org, what).toBe("acme");
      else {
        expect(directory.tenantOf(e.subject), what).toBe("acme");
        if (org !== undefined && org !== "acme")
          expect(directory.isMember(e.subject, org), what).toBe(false);
      }
    }
  });

  it("a reader with no tenant and no admin org sees nothing but by the grant", () => {
    const nobody: DecisionReader = { tenant: undefined, adminOrgs: new Set(), operator: false };
    for (const [, e] of CORPUS) expect(canReadDecision(nobody, directory, e)).toBe(false);
  });
});

describe("orgOfPath", () => {
  it.each([
    ["/orgs/acme", false, "acme"],
    ["/orgs/acme/", false, "acme"],
    ["/api/orgs/globex/members/user-bob", false, "globex"],
    ["/api/orgs/a%20b/documents", false, "a b"],
    ["/api/orgs/%ZZ/documents", false, undefined],
    ["/orgs/acme", true, undefined],
    ["/orgs/acme/x", true, "acme"],
    ["/api/admin/orgs/acme", false, undefined],
    ["/orgs", false, undefined],
    ["", false, undefined],
  ] as const)("%s (cut: %s) → %s", (path, cut, org) => {
    expect(orgOfPath(path, cut)).toBe(org);
  });
});
