import type { Metadata } from "next";
import Link from "next/link";
import { access, policies } from "@/lib/access";
import { demoAccounts } from "@/lib/demo/accounts";
import { memberView } from "@/lib/demo/members";
import { documentLists, PAGE_LIMIT } from "@/lib/demo/lists";
import { documentStore } from "@/lib/demo/store";
import { demoUsers } from "@/lib/demo/users";
import type { ServerAction } from "@/lib/authz/action";
import { authorize } from "@/lib/authz-node";
import { removeMember, saveMember } from "../../_actions/members";
import { ActionsBar } from "../../_components/actions-bar";
import { DataTable } from "../../_components/data-table";
import { AddMemberForm, MemberControls } from "./member-forms";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Organization" };

/**
 * The action with the page's `[org]` bound as its first argument. A guarded action is typed both
 * as "any arguments" and as a plain form action; binding needs the first of the two.
 */
function bindOrg<Out>(action: ServerAction<Out>, org: string) {
  return (action as (...args: unknown[]) => Promise<Out>).bind(null, org);
}

export default async function OrgPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  // The [org] segment is the active org, checked against the caller's memberships from the store:
  // anonymous visitors go to sign-in, non-members get the 404 page of an org that does not exist.
  // Next hands pages the segment still percent-encoded: the path uses it as it is, and the kit
  // decodes it once for the org, exactly as a route handler's (lib/authz/org/segment.ts).
  const subject = await authorize(policies.orgDocuments, { path: `/orgs/${org}`, org });
  const active = subject.org;
  // The org-document policy's list filter for this org: what each document's own page would allow.
  const { documents } = await documentStore.page(
    documentLists.org.where(subject, { org: active.id }),
    {
      limit: PAGE_LIMIT.max,
    },
  );
  const isAdmin = access.orgRoles.satisfies(active.role, "admin");
  const members = isAdmin ? (await demoAccounts.members(active.id)).map(memberView) : [];
  const candidates = demoUsers
    .filter((u) => !members.some((m) => m.userId === u.id))
    .map((u) => ({ userId: u.id, email: u.email }));

  return (
    <>
      <h1>Organization {active.id}</h1>
      <p className="lede" data-testid="org-role">
        Signed in as {subject.name ?? subject.email}, {active.role} of {active.id}.
      </p>

      <nav className="panel org-switcher" aria-label="Your organizations">
        <h2 id="switcher-heading">Your organizations</h2>
        <ul className="org-list">
          {subject.memberships.map((m) => (
            <li key={m.org}>
              <Link
                href={`/orgs/${encodeURIComponent(m.org)}`}
                aria-current={m.org === active.id ? "page" : undefined}
                className={m.org === active.id ? "chip chip--current" : "chip"}
              >
                {m.org} <span className="hint">({m.role})</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <section className="panel" aria-labelledby="documents-heading">
        <h2 id="documents-heading">Documents of {active.id}</h2>
        <DataTable
          testId="org-documents"
          rows={documents}
          rowKey={(d) => d.id}
          columns={[
            { header: "Id", cell: (d) => <code>{d.id}</code> },
            { header: "Title", cell: (d) => d.title },
            { header: "Owner", cell: (d) => d.ownerId },
          ]}
        />
      </section>

      {isAdmin ? (
        <section className="panel" aria-labelledby="members-heading">
          <h2 id="members-heading">Members of {active.id}</h2>
          <DataTable
            testId="org-members"
            rows={members}
            rowKey={(m) => m.userId}
            columns={[
              { header: "Email", cell: (m) => m.email ?? m.userId },
              { header: "Role", cell: (m) => m.role },
              {
                header: "Change",
                cell: (m) => (
                  <MemberControls
                    userId={m.userId}
                    email={m.email ?? ""}
                    role={m.role}
                    save={bindOrg(saveMember, active.id)}
                    remove={bindOrg(removeMember, active.id)}
                  />
                ),
              },
            ]}
          />
          <h3>Add a member</h3>
          <AddMemberForm candidates={candidates} save={bindOrg(saveMember, active.id)} />
        </section>
      ) : null}

      <ActionsBar links={[{ href: "/", label: "Console" }]} />
    </>
  );
}
