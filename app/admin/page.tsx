import type { Metadata } from "next";
import Link from "next/link";
import { policies } from "@/lib/access";
import { userStore } from "@/lib/demo/store";
import { authorize } from "@/lib/authz-node";
import { deleteUserAction } from "../_actions/admin";
import { DeleteForm } from "../_components/delete-form";
import { SignOutButton } from "../_components/sign-out-button";

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
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Tenant</th>
                <th scope="col">Plan</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <td>{user.name}</td>
                  <td>{user.email}</td>
                  <td>{user.role}</td>
                  <td>{user.tenant}</td>
                  <td>{user.plan}</td>
                  <td>
                    <DeleteForm action={deleteUserAction} id={user.id} label={user.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="actions">
          <Link className="button" href="/admin/decisions">
            Decision log
          </Link>
          <Link className="button button--quiet" href="/">
            Console
          </Link>
          <SignOutButton />
        </div>
      </section>
    </>
  );
}
