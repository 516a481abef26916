import type { Metadata } from "next";
import { requestId } from "@/lib/authz-node";
import { ActionsBar } from "./_components/actions-bar";

export const metadata: Metadata = { title: "Forbidden" };

// Rendered by `forbidden()` (authorize() for a signed-in user without permission); status 403.
export default async function Forbidden() {
  // The id of this request's decision events, for the user to quote to support.
  const id = await requestId().catch(() => null);
  return (
    <div className="narrow">
      <p className="error-code">403 FORBIDDEN</p>
      <h1>You don’t have access to this page</h1>
      <p className="lede">
        You are signed in, but your account lacks the permission this page needs.
      </p>
      {id ? (
        <p>
          Request id: <code data-testid="request-id">{id}</code>
        </p>
      ) : null}
      <ActionsBar
        links={[
          { href: "/", label: "Back to the console", primary: true },
          { href: "/signin", label: "Sign in as someone else" },
        ]}
      />
    </div>
  );
}
