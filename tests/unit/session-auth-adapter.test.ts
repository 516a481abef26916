/**
 * sessionFromAuth over a stand-in for Auth.js's `auth()` (the real one needs a Next request scope:
 * tests/e2e/no-middleware.spec.ts runs it inside real `next start` requests), plus a type-level
 * check that the real `auth` fits the structural parameter.
 *
 * Type assertions (`expectTypeOf`, `@ts-expect-error`) are checked by `tsc --noEmit -p .`, the
 * typecheck step of `npm test` (tests are in tsconfig's include): Vitest runs only their runtime
 * half, and an expected error that stops being one fails that step.
 */
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import type { NextAuthResult, Session } from "next-auth";
import { sessionFromAuth, type AuthFunction } from "../../lib/authz/session";
import { expectConfigError } from "../support/config-error";

const request = new Request("http://localhost/api/me");
const session = (user: Session["user"]): Session => ({ user, expires: "2099-01-01T00:00:00.000Z" });

describe("sessionFromAuth", () => {
  it("accepts Auth.js's own auth function type", () => {
    expectTypeOf<NextAuthResult["auth"]>().toExtend<AuthFunction>();
  });

  it("yields the user with sub set to the user id", async () => {
    const user = { id: "user-1", email: "alice@example.com", name: "Alice", role: "admin" };
    const source = sessionFromAuth(async () => session(user));
    const claims = await source(request);
    expect(claims).toEqual({ ...user, sub: "user-1" });
    expect(Object.isFrozen(claims)).toBe(true);
  });

  it("lets the user id win over a sub already on the user", async () => {
    const source = sessionFromAuth(async () =>
      session({ id: "user-1", sub: "spoofed" } as Session["user"]),
    );
    expect(await source(request)).toMatchObject({ sub: "user-1" });
  });

  it.each([
    ["no session", null],
    ["undefined", undefined],
    ["a session without user", { expires: "2099-01-01T00:00:00.000Z" }],
    ["a user without id", session({ email: "a@example.com" })],
    ["an empty id", session({ id: "" })],
    ["a non-string id", { user: { id: 42 } } as unknown as Session],
  ])("returns null for %s", async (_label, value) => {
    const source = sessionFromAuth(async () => value as Session | null);
    expect(await source(request)).toBeNull();
  });

  it("calls auth() once per read, so each request sees its own session", async () => {
    const auth = vi.fn(async () => session({ id: "u" }));
    const source = sessionFromAuth(auth);
    await source(request);
    await source(request);
    expect(auth).toHaveBeenCalledTimes(2);
  });

  it("propagates a throwing auth(), which the kit turns into a refusal", async () => {
    const source = sessionFromAuth(async () => {
      throw new Error("database down");
    });
    await expect(source(request)).rejects.toThrow("database down");
  });

  it("rejects a non-function at definition", () => {
    expect(() => sessionFromAuth(undefined as unknown as AuthFunction)).toThrow(TypeError);
    expectConfigError(
      () => sessionFromAuth(undefined as unknown as AuthFunction),
      "invalid_session_options",
    );
  });
});
