import type { Metadata } from "next";
import { headers } from "next/headers";
import { REFUSED_POLICY_HEADER } from "@/lib/authz/middleware";
import { requestId } from "@/lib/authz-node";
import { explainRefusal } from "@/lib/demo/refusal";
import { ActionsBar, type ActionLink } from "./_components/actions-bar";
import { currentUser } from "./_components/current-user";

export const metadata: Metadata = { title: "Forbidden" };

// Rendered by `forbidden()` (authorize() for a signed-in user without permission, and app/403,
// where middleware rewrites a refused visit); status 403.
export default async function Forbidden() {
  // The id of this request's decision events, for the user to quote to support.
  const id = await requestId().catch(() => null);
  // What is missing, re-checked against the visitor's own session: the role, or the plan and where
  // to upgrade. A policy that conceals, or a refusal the claims do not explain, stays generic.
  const [user, refusedPolicy] = await Promise.all([
    currentUser().catch(() => null),
    headers().then((h) => h.get(REFUSED_POLICY_HEADER)),
  ]);
  const why = explainRefusal(refusedPolicy, user);
  const links: ActionLink[] = [
    ...(why?.upgrade
      ? [{ href: why.upgrade.url, label: `Upgrade to ${why.upgrade.plan}`, primary: true }]
      : []),
    { href: "/", label: "Back to the console", primary: !why?.upgrade },
    { href: "/signin", label: "Sign in as someone else" },
  ];
  return (
    <div className="narrow">
      <p className="error-code">403 FORBIDDEN</p>
      <h1>You don’t have access to this page</h1>
      {why ? (
        <p className="lede" data-testid="refusal-reason">
          You are signed in{user?.name ? ` as ${user.name}` : ""}, but this page{" "}
          {why.message.replace(/^Requires/, "requires")}
          {why.upgrade ? ", which your plan does not include" : ""}.
        </p>
      ) : (
        <p className="lede">
          You are signed in, but your account lacks the permission this page needs.
        </p>
      )}
      {id ? (
        <p>
          Request id: <code data-testid="request-id">{id}</code>
        </p>
      ) : null}
      <ActionsBar links={links} />
    </div>
  );
}
