/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728), generated from the policies themselves, so
 * the scopes a client is told about are exactly the scopes the routes check.
 *
 * @see docs/credentials.md#protected-resource-metadata
 */
import { AuthzConfigError } from "../errors";
import type { Policy } from "../types";

/** Where the metadata document is served, relative to the resource's origin (RFC 9728 §3). */
export const PROTECTED_RESOURCE_PATH = "/.well-known/oauth-protected-resource";

/** Options of {@link protectedResourceMetadata}. */
export interface ProtectedResourceOptions {
  /** This resource's identifier: the audience its access tokens carry (an https URL). */
  readonly resource: string;
  /** Issuers whose access tokens it accepts. */
  readonly authorizationServers: readonly string[];
  /** The app's policies; those that accept bearer tokens contribute their scopes. */
  readonly policies: readonly Pick<Policy, "credentials">[];
  /** A name for people (`resource_name`). */
  readonly name?: string;
}

/** The RFC 9728 metadata document. */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly bearer_methods_supported: readonly ["header"];
  readonly resource_name?: string;
}

/**
 * Builds the metadata document once, at start-up; serve it from
 * `app/.well-known/oauth-protected-resource/route.ts`.
 *
 * @example
 * const metadata = protectedResourceMetadata({
 *   resource: "https://api.example.com", authorizationServers: ["https://auth.example.com"],
 *   policies: Object.values(policies),
 * });
 * export const GET = publicRoute("RFC 9728 metadata", async () => Response.json(metadata));
 */
export function protectedResourceMetadata(
  options: ProtectedResourceOptions,
): ProtectedResourceMetadata {
  const invalid = (why: string): never => {
    throw new AuthzConfigError("invalid_bearer_options", "protectedResourceMetadata", why);
  };
  if (!URL.canParse(options.resource)) invalid("resource must be a URL");
  if (
    options.authorizationServers.length === 0 ||
    !options.authorizationServers.every((url) => URL.canParse(url))
  )
    invalid("authorizationServers must list issuer URLs");
  const scopes = new Set<string>();
  for (const policy of options.policies)
    if (policy.credentials.accepts.includes("bearer"))
      for (const scope of policy.credentials.scopes) scopes.add(scope);
  return {
    resource: options.resource,
    authorization_servers: [...options.authorizationServers],
    scopes_supported: [...scopes].sort(),
    bearer_methods_supported: ["header"],
    ...(options.name !== undefined ? { resource_name: options.name } : {}),
  };
}
