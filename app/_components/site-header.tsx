import Link from "next/link";
import { currentUser } from "./current-user";
import { SignOutButton } from "./sign-out-button";

const links = [
  { href: "/", label: "Console" },
  { href: "/dashboard", label: "Dashboard" },
  { href: "/admin", label: "Admin" },
  { href: "/pricing", label: "Pricing" },
] as const;

/**
 * The header on every page: the navigation, then who is signed in with a sign-out button, or a
 * "Sign in" link. It reads the session (every page of the demo is rendered per request anyway);
 * a session that cannot be read shows as signed out.
 */
export async function SiteHeader() {
  const user = await currentUser().catch(() => null);
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link className="brand" href="/">
          next-authz-kit <span>demo</span>
        </Link>
        <nav className="site-nav" aria-label="Main">
          <ul>
            {links.map((link) => (
              <li key={link.href}>
                <Link href={link.href}>{link.label}</Link>
              </li>
            ))}
            {user ? null : (
              <li>
                <Link href="/signin">Sign in</Link>
              </li>
            )}
          </ul>
        </nav>
        {user ? (
          <div className="site-user" data-testid="signed-in-as">
            <span>
              Signed in as <strong>{user.name ?? user.email ?? user.id}</strong>
              {user.roles.length > 0 ? (
                <span className="site-user__roles"> ({user.roles.join(", ")})</span>
              ) : null}
            </span>
            <SignOutButton />
          </div>
        ) : null}
      </div>
    </header>
  );
}
