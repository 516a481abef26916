/**
 * API keys: what a store keeps (a SHA-256 hash, never the key), how a key is made (once, shown
 * once), and the comparison the source makes. Edge-safe: Web APIs and plain arithmetic only.
 *
 * @see docs/credentials.md
 */
import { sha256 } from "../crypto/sha256";
import { AuthzConfigError } from "../errors";
import { base64UrlEncode } from "../session/base64url";

/** Who a key speaks for: a user (the key acts as that user) or an org (a machine subject). */
export type ApiKeyOwner =
  { readonly type: "user"; readonly id: string } | { readonly type: "org"; readonly id: string };

/** What a store keeps about one key: everything but the key itself. */
export interface ApiKeyRecord {
  /** A stable, non-secret id for listing and revoking. */
  readonly id: string;
  /** base64url (no padding) of SHA-256 over the key's UTF-8 bytes. */
  readonly hash: string;
  /** The visible start of the key (its prefix and a few characters), for people and logs. */
  readonly prefix: string;
  readonly name: string;
  readonly owner: ApiKeyOwner;
  /** What the key may do; policies read them as scopes (`scopes: ["reports:export"]`). */
  readonly permissions: readonly string[];
  /** Unix ms after which the key is refused; absent for a key that does not expire. */
  readonly expiresAt?: number;
  /** The key's own rate limit, counted by the kit's rate-limit store beside the policy's. */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number };
  /** Unix ms. */
  readonly createdAt: number;
}

/** Where keys live, looked up by hash. The memory and Redis stores of this folder implement it. */
export interface ApiKeyStore {
  /** The record with this hash, or null; rejects when the store cannot answer (503). */
  find(hash: string): Promise<ApiKeyRecord | null>;
  /** Adds a record (`createApiKey` calls it). */
  save(record: ApiKeyRecord): Promise<void>;
  /** Removes a key by id; false when there was none. Other instances see it within their cache age. */
  revoke(id: string): Promise<boolean>;
}

/** A store that checks the key itself (Better Auth's plugin hashes and counts on its own side). */
export interface ApiKeyVerifier {
  /** The record of a valid key, or null for an unknown, disabled or expired one. */
  verify(key: string): Promise<ApiKeyRecord | null>;
}

// Printable, no spaces or separators a header could split on.
const KEY_FORMAT = /^[A-Za-z0-9_-]{20,256}$/;
const PREFIX_FORMAT = /^[A-Za-z0-9_-]{1,32}$/;

/** Whether a header value can be an API key at all (checked before any hashing or lookup). */
export function isApiKeyShaped(value: string): boolean {
  return KEY_FORMAT.test(value);
}

/**
 * The hash a store keeps for a key: base64url SHA-256 of its UTF-8 bytes. Taken on every request
 * that carries a key, so with the kit's synchronous digest (Web Crypto's gives the same bytes
 * through a job on another thread, which cost more than the hash).
 *
 * @example
 * await hashApiKey("sk_demo_carol_0123456789abcdef0123456789abcdef"); // 43 characters
 */
export async function hashApiKey(key: string): Promise<string> {
  return base64UrlEncode(sha256(new TextEncoder().encode(key)));
}

/**
 * Compares two strings in time that depends on their length only, not on where they differ.
 *
 * @example
 * constantTimeEqual(record.hash, hash);
 */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

const randomText = (bytes: number): string =>
  base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)));

/** Options of {@link createApiKey}. */
export interface CreateApiKeyOptions {
  readonly name: string;
  readonly owner: ApiKeyOwner;
  readonly permissions: readonly string[];
  /** The key's visible start, e.g. `"sk_live_"` (default `"sk_"`). */
  readonly prefix?: string;
  /** Unix ms; absent for no expiry. */
  readonly expiresAt?: number;
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number };
  /** The key itself, for seeding a published demo key; omit it to generate 192 random bits. */
  readonly key?: string;
  /** The record's id, for a seeded key that every instance must write alike; default random. */
  readonly id?: string;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/**
 * Makes a key, stores its hash and returns the key: the only time it is ever seen. Show it to the
 * user once; the store cannot give it back.
 *
 * @example
 * const { key, record } = await createApiKey(store, {
 *   name: "CI export", owner: { type: "user", id: "user-carol" }, permissions: ["reports:export"],
 * });
 */
export async function createApiKey(
  store: Pick<ApiKeyStore, "save">,
  options: CreateApiKeyOptions,
): Promise<{ readonly key: string; readonly record: ApiKeyRecord }> {
  const invalid = (why: string): never => {
    throw new AuthzConfigError("invalid_api_key_options", "createApiKey", why);
  };
  const prefix = options.prefix ?? "sk_";
  if (!PREFIX_FORMAT.test(prefix)) invalid(`prefix must be 1-32 of A-Z a-z 0-9 _ -`);
  if (typeof options.name !== "string" || options.name.trim() === "") invalid("name is empty");
  const { owner } = options;
  if ((owner?.type !== "user" && owner?.type !== "org") || !owner.id)
    invalid('owner must be { type: "user" | "org", id }');
  if (!Array.isArray(options.permissions) || options.permissions.some((p) => !p))
    invalid("permissions must be a list of names");
  if (options.expiresAt !== undefined && !Number.isFinite(options.expiresAt))
    invalid("expiresAt must be unix ms");
  const limit = options.rateLimit;
  if (limit && !(Number.isInteger(limit.limit) && limit.limit > 0 && limit.windowMs > 0))
    invalid("rateLimit needs a whole limit ≥ 1 and a windowMs > 0");
  const key = options.key ?? `${prefix}${randomText(24)}`;
  if (!isApiKeyShaped(key) || !key.startsWith(prefix))
    invalid("key must start with the prefix and be 20-256 of A-Z a-z 0-9 _ -");
  const record: ApiKeyRecord = {
    id: options.id ?? `key_${randomText(12)}`,
    hash: await hashApiKey(key),
    prefix: key.slice(0, prefix.length + 4),
    name: options.name,
    owner: { type: owner.type, id: owner.id },
    permissions: [...options.permissions],
    ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    ...(limit ? { rateLimit: { limit: limit.limit, windowMs: limit.windowMs } } : {}),
    createdAt: (options.now ?? Date.now)(),
  };
  await store.save(record);
  return { key, record };
}

/**
 * Checks that a value read back from a store is a usable record (a store of JSON may hold
 * anything); null for anything else, so a corrupt entry is an unknown key, never a pass.
 */
export function parseApiKeyRecord(value: unknown): ApiKeyRecord | null {
  if (typeof value !== "object" || value === null) return null;
  const r = value as Record<string, unknown>;
  const owner = r.owner as Record<string, unknown> | undefined;
  const str = (v: unknown): v is string => typeof v === "string" && v !== "";
  if (!str(r.id) || !str(r.hash) || !str(r.prefix) || typeof r.name !== "string") return null;
  if (!owner || (owner.type !== "user" && owner.type !== "org") || !str(owner.id)) return null;
  if (!Array.isArray(r.permissions) || !r.permissions.every(str)) return null;
  if (r.expiresAt !== undefined && typeof r.expiresAt !== "number") return null;
  if (typeof r.createdAt !== "number") return null;
  const limit = r.rateLimit as Record<string, unknown> | undefined;
  if (
    limit !== undefined &&
    !(typeof limit.limit === "number" && typeof limit.windowMs === "number")
  )
    return null;
  return value as ApiKeyRecord;
}
