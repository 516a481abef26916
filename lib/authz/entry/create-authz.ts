/**
 * The configured kit for route handlers: the checks (`createChecker`) plus `withAuthorization`.
 * Kept apart from the checks so that `middleware.ts`, which needs only them, bundles no route code.
 */
import { checkerFor, type AuthzChecker, type AuthzOptions } from "../decide/authz";
import { createWithAuthorization, type WithAuthorization } from "./route";

/** A configured kit: evaluate policies, guard route handlers. */
export interface Authz extends AuthzChecker {
  /** Wraps a route handler so it runs only for requests the policy allows. See `route.ts`. */
  readonly withAuthorization: WithAuthorization;
}

/**
 * Configures the kit once per app: session source, client address, rate-limit store.
 *
 * @example
 * export const authz = createAuthz({
 *   session: authJsSession({ secret: () => process.env.AUTH_SECRET }),
 *   clientIp: clientIpFrom(proxyTrustFromEnv(process.env)),
 * });
 * export const { withAuthorization } = authz;
 */
export function createAuthz(options: AuthzOptions): Authz {
  const checker = checkerFor(options, "server");
  return { ...checker, withAuthorization: createWithAuthorization(checker) };
}
