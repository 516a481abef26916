import type { Metadata } from "next";
import { policies } from "@/lib/access";
import { userStore } from "@/lib/demo/store";
import { authorize } from "@/lib/authz-node";
import { deleteUserAction } from "../_actions/admin";
import { DeleteForm } from "../_components/delete-form";
import { ActionsBar } from "../_components/actions-bar";
import { DataTable } from "../_components/data-table";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  // Anonymous: redirect to sign-in; signed in without the admin role: the 403 page, status 403.
  const admin = await authorize(policies.admin, { path: "/admin" });
  // The admin's own tenant only, as GET /api/admin/users answers.
  const users = admin.tenant === undefined ? [] : await userStore.list(admin.tenant);

  return (
    <>
      <h1>Admin</h1>
      <p className="lede">
        Signed in as {admin.name ?? admin.email}, with the admin role of tenant {admin.tenant}. Only
        admins see this page, and only their own tenant’s users.
      </p>
      <section className="panel" aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <DataTable
          rows={users}
          rowKey={(user) => user.id}
          columns={[
            { header: "Name", cell: (user) => user.name },
            { header: "Email", cell: (user) => user.email },
            { header: "Role", cell: (user) => user.role },
            { header: "Tenant", cell: (user) => user.tenant },
            { header: "Plan", cell: (user) => user.plan },
            {
              header: "Actions",
              cell: (user) => (
                <DeleteForm action={deleteUserAction} id={user.id} label={user.name} />
              ),
            },
          ]}
        />
        <ActionsBar
          links={[
            { href: "/admin/decisions", label: "Decision log", primary: true },
            { href: "/", label: "Console" },
          ]}
        />
      </section>
    </>
  );
}
