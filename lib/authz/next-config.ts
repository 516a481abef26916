/**
 * The Next config the kit's refusals rely on, in one call. Middleware answers a refused page visit
 * by rewriting it to `forbiddenPath`; how Next then caches that answer depends on the page there and
 * on how the server was started, so the refusal's caching is set here, in the config, where every
 * way of serving that page reads it.
 *
 * @see docs/middleware.md#the-403-page-and-caching
 */
import type { NextConfig } from "next";
import { AuthzConfigError } from "./errors";
import { REFUSAL_CACHE_CONTROL } from "./http/respond";

/** Options of {@link withAuthorizationConfig}. */
export interface AuthorizationConfigOptions {
  /** The page middleware rewrites refused visits to: its own `forbiddenPath`, e.g. "/403". */
  readonly forbiddenPath: string;
}

// Next reads a header rule's `source` as a path pattern (`:name`, `*`, `(...)`): plain segments only.
const PLAIN_PATH = /^(?:\/[A-Za-z0-9._~-]+)+$/;

/**
 * Turns on `forbidden()` (`experimental.authInterrupts`) and gives the 403 page the refusal's
 * caching (`Cache-Control: private, no-store`), even when that page is prerendered.
 *
 * @example
 * // next.config.ts
 * export default withAuthorizationConfig({ poweredByHeader: false }, { forbiddenPath: "/403" });
 */
export function withAuthorizationConfig(
  config: NextConfig,
  options: AuthorizationConfigOptions,
): NextConfig {
  const forbiddenPath: unknown = options?.forbiddenPath;
  if (typeof forbiddenPath !== "string" || !PLAIN_PATH.test(forbiddenPath)) {
    throw new AuthzConfigError(
      "invalid_next_config",
      "withAuthorizationConfig option forbiddenPath",
      `expected a plain path such as "/403", got ${JSON.stringify(forbiddenPath)}`,
    );
  }
  const ownHeaders = config.headers;
  return {
    ...config,
    experimental: { ...config.experimental, authInterrupts: true },
    // Last, so it wins over any rule of the app's own that matches the same path.
    async headers() {
      return [
        ...(ownHeaders ? await ownHeaders() : []),
        {
          source: forbiddenPath,
          headers: [{ key: "Cache-Control", value: REFUSAL_CACHE_CONTROL }],
        },
      ];
    },
  };
}
