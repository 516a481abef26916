/**
 * An in-memory API key store: one process only (development, tests, a single server). Edge-safe.
 *
 * @see docs/credentials.md#stores
 */
import type { ApiKeyRecord, ApiKeyStore } from "./key";

/** The memory store, with a way to list a owner's keys (never the keys themselves). */
export interface MemoryApiKeyStore extends ApiKeyStore {
  /** Web APIs only: the source may run anywhere, Edge middleware included. */
  readonly runtime: "edge";
  /** The records of one owner, oldest first. */
  list(ownerId: string): Promise<readonly ApiKeyRecord[]>;
}

/**
 * Keeps key records in a Map keyed by hash.
 *
 * @example
 * const store = memoryApiKeyStore();
 * const { key } = await createApiKey(store, { name: "ci", owner, permissions: ["reports:export"] });
 */
export function memoryApiKeyStore(): MemoryApiKeyStore {
  const byHash = new Map<string, ApiKeyRecord>();
  return {
    runtime: "edge",
    async find(hash) {
      return byHash.get(hash) ?? null;
    },
    async save(record) {
      byHash.set(record.hash, record);
    },
    async revoke(id) {
      for (const [hash, record] of byHash) if (record.id === id) return byHash.delete(hash);
      return false;
    },
    async list(ownerId) {
      return [...byHash.values()].filter((r) => r.owner.id === ownerId);
    },
  };
}
