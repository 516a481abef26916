import type { Metadata } from "next";
import Link from "next/link";
import { sameOriginPath } from "@/lib/authz/server";
import { currentUser } from "../_components/current-user";
import { QuickSignIn } from "../_components/quick-sign-in";
import { quickUsers } from "../_components/quick-users";
import { SignInForm } from "../_components/sign-in-form";
import { publicPage } from "@/lib/authz";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  // Only a path on this site: `https://evil.example` or `//evil.example` become `/`.
  const callbackUrl = sameOriginPath(first(params.callbackUrl));
  // Auth.js's own callback endpoint sends failed attempts here with `?error=CredentialsSignin`.
  const initialError = first(params.error) ? "Wrong email or password" : null;
  const user = await currentUser();

  return (
    <div className="narrow">
      <h1>Sign in</h1>
      {callbackUrl !== "/" ? (
        <p className="lede">
          Sign in to continue to <code>{callbackUrl}</code>.
        </p>
      ) : (
        <p className="lede">
          Use a demo account: the password is <code>demo</code> for all four.
        </p>
      )}
      {user ? (
        <p>
          You are signed in as {user.name ?? user.email}. Signing in again switches the account.{" "}
          <Link href="/">Back to the console</Link>
        </p>
      ) : null}

      <section className="panel" aria-labelledby="form-heading">
        <h2 id="form-heading" className="visually-hidden">
          Email and password
        </h2>
        <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
        <p className="divider">or</p>
        <h2 id="quick-heading" className="visually-hidden">
          Demo users
        </h2>
        <QuickSignIn
          users={quickUsers}
          currentEmail={user?.email ?? null}
          callbackUrl={callbackUrl}
          headingId="quick-heading"
        />
      </section>
    </div>
  );
}

export default publicPage("the sign-in page: anyone must reach it to start a session", SignInPage);
