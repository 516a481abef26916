/**
 * Next's own control flow travels as thrown errors: `redirect()`, `notFound()`, `forbidden()`, a
 * prerender that stops because the route reads request data (Cache Components, PPR), a bail-out to
 * client rendering. The kit's catch blocks turn every error into a refusal (fail closed), so they
 * must hand these back to Next first: swallowed, a route that reads a cookie during `next build`
 * would be prerendered as a cached 500. Recognised by their `digest`, as Next's `unstable_rethrow`
 * recognises them (a test holds the two to the same answers on Next's real errors).
 *
 * @see docs/pages-and-actions.md#cache-components-and-partial-prerendering
 */

/** The digests of Next's control-flow errors (before any `;`-separated detail). */
const CONTROL_FLOW_DIGESTS = new Set([
  "NEXT_REDIRECT",
  "NEXT_HTTP_ERROR_FALLBACK",
  "BAILOUT_TO_CLIENT_SIDE_RENDERING",
  "DYNAMIC_SERVER_USAGE",
  "HANGING_PROMISE_REJECTION",
  "NEXT_PRERENDER_INTERRUPTED",
]);

/** How deep a `cause` chain is followed: Next nests at most one level; the bound stops cycles. */
const MAX_CAUSE_DEPTH = 8;

function isControlFlow(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const digest: unknown = (error as { digest?: unknown }).digest;
  return typeof digest === "string" && CONTROL_FLOW_DIGESTS.has(digest.split(";", 1)[0]!);
}

/**
 * The Next control-flow error in `error` or its `cause` chain, or undefined when there is none.
 *
 * @example
 * catch (error) { const next = nextControlFlow(error); if (next) throw next; return refuse(); }
 */
export function nextControlFlow(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    if (isControlFlow(current)) return current;
    if (!(current instanceof Error) || !("cause" in current)) return undefined;
    current = current.cause;
  }
  return undefined;
}

/**
 * Throws Next's control-flow error if `error` is one (or carries one as its `cause`); returns
 * otherwise, so the caller's refusal follows.
 *
 * @example
 * try { claims = await session(request); } catch (error) { rethrowNextControlFlow(error); return deny(); }
 */
export function rethrowNextControlFlow(error: unknown): void {
  const next = nextControlFlow(error);
  if (next !== undefined) throw next;
}
