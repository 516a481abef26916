/**
 * A Redis membership store shared by every instance: each operation is one atomic script (one round
 * trip, no torn state), run by its constant SHA-1 through a client's two script calls.
 *
 * @see docs/organizations.md#redis-membership-store
 */
import {
  assertRedisStoreOptions,
  runRedisScript,
  type RedisScript,
  type RedisScriptClient,
} from "../redis-script";
import type { AccountRecord, AccountSeed, MembershipStore, OrgMember } from "./source";

export type { RedisScriptClient } from "../redis-script";

/** Options of `redisMembershipStore`. */
export interface RedisMembershipStoreOptions {
  readonly client: RedisScriptClient;
  /** Key prefix (default "authz:subjects"). */
  readonly prefix?: string;
  /** Per-call deadline in ms (default 200); past it the call rejects and the kit answers 503. */
  readonly timeoutMs?: number;
  /** Accounts written once, by the first instance that finds the keyspace unseeded (demos, tests). */
  readonly seed?: AccountSeed;
}

const READ = `return redis.call('HGETALL', KEYS[1])`;
// With a seed: nil when the keyspace lost its seed (a Redis restarted without persistence).
const READ_SEEDED = `if redis.call('EXISTS', KEYS[2]) == 0 then return false end
return redis.call('HGETALL', KEYS[1])`;
const SET = `if redis.call('HEXISTS', KEYS[1], 'account') == 0 then return 0 end
redis.call('HSET', KEYS[1], 'org:' .. ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1`;
const REMOVE = `local n = redis.call('HDEL', KEYS[1], 'org:' .. ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
return n`;
const REMOVE_ACCOUNT = `local fields = redis.call('HKEYS', KEYS[1])
if #fields == 0 then return 0 end
for _, f in ipairs(fields) do
  if string.sub(f, 1, 4) == 'org:' then redis.call('HDEL', ARGV[1] .. string.sub(f, 5), ARGV[2]) end
end
redis.call('DEL', KEYS[1])
return 1`;
const SEED = `if not redis.call('SET', KEYS[1], '1', 'NX') then return 0 end
local seed = cjson.decode(ARGV[3])
for user, orgs in pairs(seed) do
  redis.call('HSET', ARGV[1] .. user, 'account', '1')
  for org, role in pairs(orgs) do
    redis.call('HSET', ARGV[1] .. user, 'org:' .. org, role)
    redis.call('HSET', ARGV[2] .. org, user, role)
  end
end
return 1`;

/**
 * Every script the store runs, by name, with its SHA-1: constants rather than hashed at run time,
 * so a call needs no digest first; tests/unit/subject-redis.test.ts recomputes them.
 */
export const MEMBERSHIP_SCRIPTS = {
  READ: { source: READ, sha1: "2e9dc1eee79fed50b6f3a9088fab7b81cb333123" },
  READ_SEEDED: { source: READ_SEEDED, sha1: "bad1c89988929e3159c3a384db144b4272770640" },
  SET: { source: SET, sha1: "e67441a3137fc765ff3174434363ef3a58060f7b" },
  REMOVE: { source: REMOVE, sha1: "eed3009852b2b8f21895104beb827c43bc7349c0" },
  REMOVE_ACCOUNT: { source: REMOVE_ACCOUNT, sha1: "8900357d76d6c738d3247cc12d71b0a7a2db24fb" },
  SEED: { source: SEED, sha1: "6aef551df1e3e54550947c52fab7b71f9d4f3516" },
} as const satisfies Record<string, RedisScript>;

/** A flat HGETALL reply ([field, value, ...]) as pairs; throws on any other shape. */
function pairs(reply: unknown): [string, string][] {
  if (!Array.isArray(reply) || reply.length % 2 !== 0)
    throw new Error("Redis membership store: unexpected reply");
  const out: [string, string][] = [];
  for (let i = 0; i < reply.length; i += 2) {
    const field: unknown = reply[i];
    const value: unknown = reply[i + 1];
    if (typeof field !== "string" || typeof value !== "string")
      throw new Error("Redis membership store: unexpected reply");
    out.push([field, value]);
  }
  return out;
}

const flag = (reply: unknown): boolean => {
  if (reply !== 0 && reply !== 1) throw new Error("Redis membership store: unexpected reply");
  return reply === 1;
};

/**
 * Creates a Redis-backed membership store: one script (one round trip) per call, rejects on any
 * failure, timeout or malformed reply, so the kit answers 503 rather than guess.
 *
 * @example
 * const store = redisMembershipStore({ client: createRedisClientFromUrl(process.env.REDIS_URL!) });
 */
export function redisMembershipStore(options: RedisMembershipStoreOptions): MembershipStore {
  const { client } = options;
  const prefix = options.prefix ?? "authz:subjects";
  const timeoutMs = options.timeoutMs ?? 200;
  assertRedisStoreOptions({ client, prefix, timeoutMs });
  const seedJson = options.seed === undefined ? undefined : JSON.stringify(options.seed);

  const userKey = (userId: string) => `${prefix}:user:${userId}`;
  const marker = `${prefix}:seeded`;
  const orgKey = (org: string) => `${prefix}:org:${org}`;
  const deadline = { timeoutMs, name: "Redis membership store" };
  const run = (script: RedisScript, keys: string[], args: string[] = []): Promise<unknown> =>
    runRedisScript(client, script, keys, args, deadline);

  // The seed is written at most once per keyspace; until this process saw it done, every call
  // waits for it (a failed attempt is retried by the next call).
  let seeded: Promise<void> | null = seedJson === undefined ? Promise.resolve() : null;
  const ready = (): Promise<void> =>
    (seeded ??= run(
      MEMBERSHIP_SCRIPTS.SEED,
      [marker],
      [`${prefix}:user:`, `${prefix}:org:`, seedJson!],
    )
      .then(() => undefined)
      .catch((error: unknown) => {
        seeded = null;
        throw error;
      }));

  /** HGETALL of `key` as pairs, in one round trip; re-seeds once if the seed is gone. */
  async function readHash(key: string): Promise<[string, string][]> {
    await ready();
    if (seedJson === undefined) return pairs(await run(MEMBERSHIP_SCRIPTS.READ, [key]));
    let reply = await run(MEMBERSHIP_SCRIPTS.READ_SEEDED, [key, marker]);
    if (reply === null) {
      seeded = null;
      await ready();
      reply = await run(MEMBERSHIP_SCRIPTS.READ_SEEDED, [key, marker]);
    }
    return pairs(reply);
  }

  return {
    async load(userId): Promise<AccountRecord | null> {
      const fields = await readHash(userKey(userId));
      if (!fields.some(([field]) => field === "account")) return null;
      // fromEntries defines own properties: an org named "__proto__" stays data.
      const memberships = Object.fromEntries(
        fields.filter(([field]) => field.startsWith("org:")).map(([f, role]) => [f.slice(4), role]),
      );
      return { memberships };
    },
    async members(org): Promise<readonly OrgMember[]> {
      return (await readHash(orgKey(org)))
        .map(([userId, role]) => ({ userId, role }))
        .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    },
    async setMembership(org, userId, role) {
      await ready();
      return flag(
        await run(MEMBERSHIP_SCRIPTS.SET, [userKey(userId), orgKey(org)], [org, userId, role]),
      );
    },
    async removeMembership(org, userId) {
      await ready();
      return flag(
        await run(MEMBERSHIP_SCRIPTS.REMOVE, [userKey(userId), orgKey(org)], [org, userId]),
      );
    },
    async removeAccount(userId) {
      await ready();
      return flag(
        await run(MEMBERSHIP_SCRIPTS.REMOVE_ACCOUNT, [userKey(userId)], [`${prefix}:org:`, userId]),
      );
    },
  };
}
