import Link from "next/link";

/** A link drawn as a button: quiet unless it is the page's main way on. */
export interface ActionLink {
  readonly href: string;
  readonly label: string;
  readonly primary?: boolean;
}

/**
 * The row of buttons at the foot of a page (signing out is in the header, on every page).
 *
 * @example
 * <ActionsBar links={[{ href: "/", label: "Console" }]} />
 */
export function ActionsBar({ links }: { links: readonly ActionLink[] }) {
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
    </div>
  );
}
