/**
 * One decoding of the `[org]` route segment for every layer. Next hands the same URL segment over
 * in two forms: route handlers get it decoded once (`decodeURIComponent`), pages and layouts get
 * that value encoded again (`encodeURIComponent`). Read as-is, a page would look up `a%3Ab` where
 * the handler looks up `a:b`, and refuse a member the handler lets in. Edge-safe and pure.
 *
 * @see docs/organizations.md#the-org-segment-decoded-once
 */

/** Where an `[org]` value comes from: a route handler's params, or a page's (or layout's) params. */
export type OrgSegmentSource = "route" | "page";

/**
 * The org id an `[org]` segment names: the URL's segment decoded exactly once, the same id from a
 * page as from a route handler. Null for a value that is not one string (a catch-all's array) or
 * that does not decode (a malformed escape): no org, so an org rule refuses.
 *
 * @example
 * orgFromSegment("a%3Ab", "page"); // "a:b", what a route handler gets for /orgs/a%3Ab as "a:b"
 * orgFromSegment("a:b", "route"); // "a:b"
 */
export function orgFromSegment(value: unknown, source: OrgSegmentSource): string | null {
  if (typeof value !== "string") return null;
  if (source === "route") return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
