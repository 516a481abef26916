/**
 * What a test expects of a configuration mistake: the kit's AuthzConfigError (a TypeError) with
 * this exact message, so the assertion names the cause as precisely as before.
 */
import { expect } from "vitest";

export const configError = (message: string) =>
  expect.objectContaining({ name: "AuthzConfigError", message });
