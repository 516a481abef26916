/**
 * What a test expects of a configuration mistake: the kit's AuthzConfigError (a TypeError) with
 * this code and exact message, so the assertion names the cause as precisely as before.
 */
import { expect } from "vitest";
import { AuthzConfigError, type AuthzConfigErrorCode } from "@/lib/authz/errors";

export const configError = (code: AuthzConfigErrorCode, message: string) =>
  expect.objectContaining({ name: "AuthzConfigError", code, message });

/** Asserts that `define` throws the kit's AuthzConfigError with `code`, and returns it. */
export function expectConfigError(define: () => unknown, code: AuthzConfigErrorCode) {
  let thrown: unknown;
  try {
    define();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AuthzConfigError);
  expect(thrown).toBeInstanceOf(TypeError);
  expect((thrown as AuthzConfigError).code).toBe(code);
  return thrown as AuthzConfigError;
}
