import type { Metadata } from "next";
import Link from "next/link";
import { requestId } from "@/lib/authz-node";

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
      <div className="actions">
        <Link className="button" href="/">
          Back to the console
        </Link>
        <Link className="button button--quiet" href="/signin">
          Sign in as someone else
        </Link>
      </div>
    </div>
  );
}
