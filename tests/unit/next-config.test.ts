/**
 * withAuthorizationConfig: the Next config the kit's refusals rely on. What Next does with it on a
 * real `next build` + `next start` (a prerendered 403 page, with and without `-H`) is proven in
 * tests/integration/forbidden-page-caching.test.ts; here, the config it returns.
 */
import type { NextConfig } from "next";
import { describe, expect, it } from "vitest";
import { AuthzConfigError } from "../../lib/authz";
import { withAuthorizationConfig } from "../../lib/authz/next-config";
import { REFUSAL_CACHE_CONTROL } from "../../lib/authz/http/respond";

type HeaderRule = Awaited<ReturnType<NonNullable<NextConfig["headers"]>>>[number];

const headersOf = async (config: NextConfig): Promise<HeaderRule[]> => {
  expect(config.headers).toBeTypeOf("function");
  return config.headers!();
};

describe("withAuthorizationConfig", () => {
  it("turns on authInterrupts and keeps the app's other experimental flags", () => {
    const config = withAuthorizationConfig(
      { experimental: { typedEnv: true }, poweredByHeader: false },
      { forbiddenPath: "/403" },
    );
    expect(config.experimental).toEqual({ typedEnv: true, authInterrupts: true });
    expect(config.poweredByHeader).toBe(false);
  });

  it("gives the 403 page the refusal's caching", async () => {
    const config = withAuthorizationConfig({}, { forbiddenPath: "/403" });
    expect(await headersOf(config)).toEqual([
      { source: "/403", headers: [{ key: "Cache-Control", value: "private, no-store" }] },
    ]);
    expect(REFUSAL_CACHE_CONTROL).toBe("private, no-store");
  });

  it("keeps the app's own header rules and puts its own last, so it wins on the 403 page", async () => {
    const own: HeaderRule[] = [
      { source: "/(.*)", headers: [{ key: "X-Frame-Options", value: "DENY" }] },
      { source: "/403", headers: [{ key: "Cache-Control", value: "public, max-age=600" }] },
    ];
    const config = withAuthorizationConfig(
      { headers: async () => own },
      { forbiddenPath: "/errors/forbidden" },
    );
    const rules = await headersOf(config);
    expect(rules.slice(0, 2)).toEqual(own);
    expect(rules.at(-1)).toEqual({
      source: "/errors/forbidden",
      headers: [{ key: "Cache-Control", value: "private, no-store" }],
    });
  });

  it("leaves the app's config object untouched", () => {
    const original: NextConfig = { experimental: { authInterrupts: false } };
    withAuthorizationConfig(original, { forbiddenPath: "/403" });
    expect(original).toEqual({ experimental: { authInterrupts: false } });
  });

  it.each(["403", "/", "//evil.example", "/403?x=1", "/:slug", "/admin/(.*)", "/403/", "/a b", ""])(
    "refuses %j as forbiddenPath, at definition",
    (forbiddenPath) => {
      let thrown: unknown;
      try {
        withAuthorizationConfig({}, { forbiddenPath });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AuthzConfigError);
      expect(thrown).toMatchObject({
        code: "invalid_next_config",
        message: `Invalid withAuthorizationConfig option forbiddenPath: expected a plain path such as "/403", got ${JSON.stringify(forbiddenPath)}`,
      });
    },
  );

  it("refuses a missing options object with the same error", () => {
    expect(() =>
      withAuthorizationConfig({}, undefined as unknown as { forbiddenPath: string }),
    ).toThrow(AuthzConfigError);
  });
});
