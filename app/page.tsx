import { currentUser } from "./_components/current-user";
import { EndpointConsole } from "./_components/endpoint-console";
import { QuickSignIn } from "./_components/quick-sign-in";
import { quickUsers } from "./_components/quick-users";
import { publicPage } from "@/lib/authz";

// The console shows the visitor's own session: never prerendered or cached.
export const dynamic = "force-dynamic";

async function ConsolePage() {
  const user = await currentUser();

  return (
    <>
      <h1>Authorization console</h1>
      <p className="lede">
        Sign in as a demo user, then call each endpoint from your browser. Every answer shows its
        status, the headers that matter and the JSON body, with the rule that decided. The password
        for all four users is <code>demo</code>.
      </p>

      <section className="section panel session" aria-labelledby="session-heading">
        <div>
          <h2 id="session-heading">Session</h2>
          {user ? (
            <div className="whoami" data-testid="whoami">
              <div>
                <p className="whoami__name">Signed in as {user.name ?? user.id}</p>
                <p>{user.email}</p>
                <ul className="claims" aria-label="Session claims">
                  <li className="chip">role: {user.roles.join(", ") || "none"}</li>
                  <li className="chip">tenant: {user.tenant ?? "none"}</li>
                  <li className="chip">plan: {user.plan ?? "none"}</li>
                </ul>
              </div>
            </div>
          ) : (
            <p className="whoami" data-testid="whoami">
              Not signed in. Calls go out without a session cookie.
            </p>
          )}
        </div>
        <div>
          <h3 id="quick-heading">Sign in with one click</h3>
          <QuickSignIn
            users={quickUsers}
            currentEmail={user?.email ?? null}
            callbackUrl="/"
            headingId="quick-heading"
          />
        </div>
      </section>

      {/* A new session starts with empty cards, so no answer is shown under the wrong user. */}
      <EndpointConsole key={user?.id ?? "anonymous"} />
    </>
  );
}

export default publicPage(
  "the console: shows the visitor their own session and calls the API from the browser, which guards itself",
  ConsolePage,
);
