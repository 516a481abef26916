/**
 * The kit hands Next's control-flow errors back to Next exactly as Next's own `unstable_rethrow`
 * does: the same errors, built by Next's real functions, rethrown; everything else left to the
 * kit's refusal.
 */
import { DynamicServerError } from "next/dist/client/components/hooks-server-context";
import { unstable_rethrow } from "next/dist/client/components/unstable-rethrow";
import * as dynamicRendering from "next/dist/server/app-render/dynamic-rendering";
import { BailoutToCSRError } from "next/dist/shared/lib/lazy-dynamic/bailout-to-csr";
import { notFound, redirect } from "next/navigation";
import { describe, expect, it } from "vitest";
import { nextControlFlow, rethrowNextControlFlow } from "@/lib/authz/http/next-control-flow";

/** The error a call throws. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** What a rethrow function throws for an error, or "returned". */
function outcome(rethrow: (error: unknown) => void, error: unknown): unknown {
  try {
    rethrow(error);
    return "returned";
  } catch (thrown) {
    return thrown;
  }
}

// What Next runs when a prerendering route reads request data synchronously (request.url); the
// build exports it, its type declarations do not.
const { abortAndThrowOnSynchronousRequestDataAccess } = dynamicRendering as unknown as {
  abortAndThrowOnSynchronousRequestDataAccess(
    route: string,
    expression: string,
    errorWithStack: Error,
    prerenderStore: never,
  ): never;
};

const prerenderInterrupted = thrownBy(() =>
  abortAndThrowOnSynchronousRequestDataAccess(
    "/api/admin/reports",
    "request.url",
    new Error("stack"),
    // The prerender store's two fields this path reads.
    { controller: new AbortController(), dynamicTracking: null } as never,
  ),
);

const corpus: [string, unknown][] = [
  ["redirect()", thrownBy(() => redirect("/signin"))],
  ["notFound()", thrownBy(() => notFound())],
  ["a dynamic-server-usage bail-out", new DynamicServerError("cookies")],
  ["a prerender interrupted by request.url", prerenderInterrupted],
  ["a bail-out to client rendering", new BailoutToCSRError("useSearchParams")],
  ["a plain Error", new Error("database down")],
  ["an Error with another digest", Object.assign(new Error("x"), { digest: "SOMETHING_ELSE" })],
  [
    "a digest that only starts like Next's",
    Object.assign(new Error("x"), { digest: "NEXT_REDIRECTED" }),
  ],
  ["a TypeError", new TypeError("undefined is not a function")],
  ["a string", "boom"],
  ["null", null],
  ["undefined", undefined],
  ["a plain object with a digest", { digest: "DYNAMIC_SERVER_USAGE" }],
  [
    "an Error caused by a redirect",
    new Error("wrapped", { cause: thrownBy(() => redirect("/x")) }),
  ],
  ["an Error caused by a plain Error", new Error("wrapped", { cause: new Error("inner") })],
];

describe("rethrowNextControlFlow", () => {
  it.each(corpus)("%s: the same answer as Next's unstable_rethrow", (_name, error) => {
    expect(outcome(rethrowNextControlFlow, error)).toBe(outcome(unstable_rethrow, error));
  });

  it("recognises the prerender bail-out a guarded route meets under Cache Components", () => {
    expect(nextControlFlow(prerenderInterrupted)).toBe(prerenderInterrupted);
    expect(String((prerenderInterrupted as Error).message)).toMatch(/bail out of prerendering/);
  });

  it("stops on a cause chain that loops", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as Error & { cause?: unknown }).cause = b;
    expect(nextControlFlow(a)).toBeUndefined();
  });
});
