import Link from "next/link";
import { SignOutButton } from "./sign-out-button";

/** A link drawn as a button: quiet unless it is the page's main way on. */
export interface ActionLink {
  readonly href: string;
  readonly label: string;
  readonly primary?: boolean;
}

/**
 * The row of buttons at the foot of a page: its links, then the sign-out button where asked.
 *
 * @example
 * <ActionsBar links={[{ href: "/", label: "Console" }]} signOut />
 */
export function ActionsBar({
  links,
  signOut = false,
}: {
  links: readonly ActionLink[];
  signOut?: boolean;
}) {
  return (
    <div className="actions">
      {links.map((link) => (
        <Link
          key={link.href}
          className={link.primary ? "button" : "button button--quiet"}
          href={link.href}
        >
          {link.label}
        </Link>
      ))}
      {signOut ? <SignOutButton /> : null}
    </div>
  );
}
