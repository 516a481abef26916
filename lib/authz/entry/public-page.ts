/**
 * Marks for pages and layouts that anyone may see. A page counts as guarded only when it checks
 * access itself (`authorize()` or a page wrapper); one that needs no check says so here, with the
 * reason the entry-point report (`lib/authz/tools/report-node.mjs`) shows. It imports only the
 * error class, so it is safe in server and client components alike.
 */
import { AuthzConfigError } from "../errors";

const GUARD = Symbol.for("next-authz-kit.guard");

/** How a page or layout is marked public, as `guardOf` reads it. */
export interface PublicRenderMark {
  readonly kind: "public";
  readonly reason: string;
  readonly entry: "page" | "layout";
}

function markPublic<C extends object>(
  entry: PublicRenderMark["entry"],
  reason: string,
  component: C,
): C {
  const where = entry === "page" ? "publicPage" : "publicLayout";
  if (typeof reason !== "string" || reason.trim() === "")
    throw new AuthzConfigError("invalid_page_guard", where, "it needs a reason");
  if (typeof component !== "function")
    throw new AuthzConfigError("invalid_page_guard", where, "expected a component");
  const mark: PublicRenderMark = { kind: "public", reason, entry };
  Object.defineProperty(component, GUARD, { value: mark, enumerable: false });
  return component;
}

/**
 * Declares a page public on purpose (a landing page, the sign-in page), with the reason. It adds
 * no check: use it only for what anyone may see.
 *
 * @example
 * export default publicPage("marketing page: no user data", function PricingPage() {
 *   return <h1>Pricing</h1>;
 * });
 */
export function publicPage<C extends object>(reason: string, component: C): C {
  return markPublic("page", reason, component);
}

/**
 * Declares a layout public on purpose (the HTML shell), with the reason. A layout's check never
 * guards the pages under it (layouts do not re-run on client navigation), so this changes nothing
 * for them.
 *
 * @example
 * export default publicLayout("the HTML shell: renders no user data", RootLayout);
 */
export function publicLayout<C extends object>(reason: string, component: C): C {
  return markPublic("layout", reason, component);
}
