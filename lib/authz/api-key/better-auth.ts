/**
 * Better Auth's API-key plugin (`@better-auth/api-key`) as the API key source's store: each key is
 * checked by `auth.api.verifyApiKey`, so the plugin's own hashing, `enabled` flag, expiry,
 * remaining credits and rate limits apply. Depends on that one call, not on the package.
 *
 * @see docs/credentials.md#stores
 */
import { AuthzConfigError } from "../errors";
import { hashApiKey, type ApiKeyRecord, type ApiKeyVerifier } from "./key";

/** What the plugin's `verifyApiKey` answers (the fields the kit reads). */
export interface BetterAuthVerifyResult {
  readonly valid: boolean;
  readonly key: {
    readonly id: string;
    readonly name?: string | null;
    readonly start?: string | null;
    readonly prefix?: string | null;
    readonly referenceId?: string | null;
    readonly userId?: string | null;
    readonly permissions?: Readonly<Record<string, readonly string[]>> | null;
    readonly expiresAt?: Date | string | number | null;
    readonly createdAt?: Date | string | number | null;
  } | null;
}

/** The one call the adapter makes: `auth` from `betterAuth({ plugins: [apiKey()] })` fits. */
export interface BetterAuthApiKeyApi {
  readonly api: {
    verifyApiKey(input: { body: { key: string } }): Promise<BetterAuthVerifyResult>;
  };
}

/** Options of {@link betterAuthApiKeys}. */
export interface BetterAuthApiKeysOptions {
  /** What the plugin's `referenceId` holds (its `references` option): a user (default) or an org. */
  readonly owner?: "user" | "org";
}

const millis = (value: Date | string | number | null | undefined): number | undefined => {
  if (value === null || value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
};

/**
 * Wraps Better Auth's API-key plugin as a key verifier for `apiKeySource`. A key the plugin calls
 * invalid for any reason (unknown, disabled, expired, out of credits, rate limited) is refused
 * as `invalid_api_key`. Permissions `{ reports: ["export"] }` become the scope `reports:export`.
 *
 * @example
 * const apiKeys = apiKeySource({ store: betterAuthApiKeys(auth), users: (id) => accounts.claims(id) });
 */
export function betterAuthApiKeys(
  auth: BetterAuthApiKeyApi,
  options: BetterAuthApiKeysOptions = {},
): ApiKeyVerifier & { readonly runtime: "node" } {
  if (typeof auth?.api?.verifyApiKey !== "function")
    throw new AuthzConfigError(
      "invalid_api_key_options",
      "betterAuthApiKeys",
      "expected the Better Auth instance with the apiKey() plugin (auth.api.verifyApiKey)",
    );
  const ownerType = options.owner ?? "user";
  return {
    runtime: "node",
    async verify(key) {
      const result = await auth.api.verifyApiKey({ body: { key } });
      const found = result?.valid === true ? result.key : null;
      const ownerId = found?.referenceId ?? found?.userId;
      if (!found || typeof ownerId !== "string" || ownerId === "") return null;
      const permissions = Object.entries(found.permissions ?? {}).flatMap(([resource, actions]) =>
        Array.isArray(actions) ? actions.map((action) => `${resource}:${action}`) : [],
      );
      const expiresAt = millis(found.expiresAt);
      const record: ApiKeyRecord = {
        id: found.id,
        hash: await hashApiKey(key),
        prefix: found.start ?? found.prefix ?? "",
        name: found.name ?? "",
        owner: { type: ownerType, id: ownerId },
        permissions,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        createdAt: millis(found.createdAt) ?? 0,
      };
      return record;
    },
  };
}
