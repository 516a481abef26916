import Link from "next/link";

// Static on purpose: reading the session here would make every page (pricing too) dynamic.
const links = [
  { href: "/", label: "Console" },
  { href: "/dashboard", label: "Dashboard" },
  { href: "/admin", label: "Admin" },
  { href: "/pricing", label: "Pricing" },
  { href: "/signin", label: "Sign in" },
] as const;

export function SiteHeader() {
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
          </ul>
        </nav>
      </div>
    </header>
  );
}
