import type { Metadata } from "next";
import Link from "next/link";
import { policies } from "@/lib/access";
import { authorize } from "@/lib/authz-node";
import { SignOutButton } from "../_components/sign-out-button";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  // Anonymous visitors go to /signin?callbackUrl=%2Fdashboard; everyone signed in may stay.
  const user = await authorize(policies.signedIn, { path: "/dashboard" });

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
        <div className="actions">
          <Link className="button button--quiet" href="/admin">
            Admin page
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
