import type { Metadata } from "next";
import { policies } from "@/lib/access";
import { documentLists, PAGE_LIMIT } from "@/lib/demo/lists";
import { documentStore } from "@/lib/demo/store";
import { authorize } from "@/lib/authz-node";
import { deleteDocumentAction } from "../_actions/documents";
import { DeleteForm } from "../_components/delete-form";
import { ActionsBar } from "../_components/actions-bar";
import { DataTable } from "../_components/data-table";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  // Anonymous visitors go to /signin?callbackUrl=%2Fdashboard; everyone signed in may stay.
  const user = await authorize(policies.signedIn, { path: "/dashboard" });
  // The documents the read-document policy lets this user open, from its list filter: one query.
  const { documents } = await documentStore.page(documentLists.read.where(user), {
    limit: PAGE_LIMIT.max,
  });

  return (
    <>
      <h1>Dashboard</h1>
      <p className="lede">Hello {user.name ?? user.email}. Any signed-in user may see this page.</p>
      <section className="panel narrow" aria-labelledby="claims-heading">
        <h2 id="claims-heading">Your session</h2>
        <dl className="definition">
          <dt>User id</dt>
          <dd>
            <code>{user.id}</code>
          </dd>
          <dt>Email</dt>
          <dd>{user.email ?? "none"}</dd>
          <dt>Role</dt>
          <dd>{user.roles.join(", ") || "none"}</dd>
          <dt>Tenant</dt>
          <dd>{user.tenant ?? "none"}</dd>
          <dt>Plan</dt>
          <dd>{user.plan ?? "none"}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="documents-heading">
        <h2 id="documents-heading">Your tenant&apos;s documents</h2>
        <p>
          Delete is a guarded server action: the owner may delete a document, an admin any document
          of the tenant; anyone else gets the kit&apos;s refusal back in the form.
        </p>
        <DataTable
          rows={documents}
          rowKey={(doc) => doc.id}
          columns={[
            { header: "Title", cell: (doc) => doc.title },
            { header: "Id", cell: (doc) => <code>{doc.id}</code> },
            { header: "Owner", cell: (doc) => (doc.ownerId === user.id ? "you" : doc.ownerId) },
            {
              header: "Actions",
              cell: (doc) => (
                <DeleteForm action={deleteDocumentAction} id={doc.id} label={doc.title} />
              ),
            },
          ]}
        />
        <ActionsBar
          links={[
            { href: "/admin", label: "Admin page" },
            { href: "/", label: "Console" },
          ]}
        />
      </section>
    </>
  );
}
