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
} from "../stores/redis-script";
import { adminRoleList, LastOrgAdminError } from "./last-admin";
import type { AccountRecord, AccountSeed, MembershipStore, OrgMember } from "./source";

export type { RedisScriptClient } from "../stores/redis-script";

/** Options of `redisMembershipStore`. */
export interface RedisMembershipStoreOptions {
  readonly client: RedisScriptClient;
  /** Key prefix (default "authz:subjects"). */
  readonly prefix?: string;
  /** Per-call deadline in ms (default 200); past it the call rejects and the kit answers 503. */
  readonly timeoutMs?: number;
  /** Accounts written once, by the first instance that finds the keyspace unseeded (demos, tests). */
  readonly seed?: AccountSeed;
  /** The org roles that count as an org's admin; no change may leave an org without one. @default ["admin"] */
  readonly adminRoles?: readonly string[];
}

const READ = `return redis.call('HGETALL', KEYS[1])`;
// With a seed: nil when the keyspace lost its seed (a Redis restarted without persistence).
const READ_SEEDED = `if redis.call('EXISTS', KEYS[2]) == 0 then return false end
return redis.call('HGETALL', KEYS[1])`;
// The admin roles ride as the last arguments (from ARGV[from] on): a role is an admin's when it is
// one of them; an org's admins are counted in its member list, in the same script as the change.
const ADMINS = `local function admin(role, from)
  for i = from, #ARGV do if ARGV[i] == role then return true end end
  return false
end
local function others(orgKey, userId, from)
  local list = redis.call('HGETALL', orgKey)
  for i = 1, #list, 2 do
    if list[i] ~= userId and admin(list[i + 1], from) then return true end
  end
  return false
end
`;
// -1: the change would leave the org without an admin, and nothing was written.
const SET = `${ADMINS}if redis.call('HEXISTS', KEYS[1], 'account') == 0 then return 0 end
local old = redis.call('HGET', KEYS[1], 'org:' .. ARGV[1])
if old and admin(old, 4) and not admin(ARGV[3], 4) and not others(KEYS[2], ARGV[2], 4) then
  return -1
end
redis.call('HSET', KEYS[1], 'org:' .. ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1`;
const REMOVE = `${ADMINS}local old = redis.call('HGET', KEYS[1], 'org:' .. ARGV[1])
if old and admin(old, 3) and not others(KEYS[2], ARGV[2], 3) then return -1 end
local n = redis.call('HDEL', KEYS[1], 'org:' .. ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
return n`;
// {-1, org}: the account is the last admin of that org, and nothing was deleted.
const REMOVE_ACCOUNT = `${ADMINS}local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return 0 end
for i = 1, #fields, 2 do
  local org = string.sub(fields[i], 5)
  if string.sub(fields[i], 1, 4) == 'org:' and admin(fields[i + 1], 3)
    and not others(ARGV[1] .. org, ARGV[2], 3) then
    return {-1, org}
  end
end
for i = 1, #fields, 2 do
  local f = fields[i]
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
  SET: { source: SET, sha1: "821aa76f5d347c66aa7b3e3fbfd35a419b38f677" },
  REMOVE: { source: REMOVE, sha1: "e3ae3d4b2977a43fe0e2c630af311fb1f2912206" },
  REMOVE_ACCOUNT: { source: REMOVE_ACCOUNT, sha1: "c6fcc0e18bfa8308090d6a247039dd1671faf52c" },
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

/** A 0/1 reply as a boolean; -1 (the change would leave `org` without an admin) rejects. */
const flag = (reply: unknown, org: string): boolean => {
  if (reply === -1) throw new LastOrgAdminError(org);
  if (reply !== 0 && reply !== 1) throw new Error("Redis membership store: unexpected reply");
  return reply === 1;
};

/**
 * Creates a Redis-backed membership store: one script (one round trip) per call, rejects on any
 * failure, timeout or malformed reply, so the kit answers 503 rather than guess. A change that
 * would leave an org without an admin rejects with `LastOrgAdminError`, decided inside the same
 * script as the change, so two instances demoting an org's two admins at once cannot both succeed.
 *
 * @example
 * const store = redisMembershipStore({ client: createRedisClientFromUrl(process.env.REDIS_URL!) });
 */
export function redisMembershipStore(options: RedisMembershipStoreOptions): MembershipStore {
  const { client } = options;
  const prefix = options.prefix ?? "authz:subjects";
  const timeoutMs = options.timeoutMs ?? 200;
  assertRedisStoreOptions({ client, prefix, timeoutMs });
  const admins = adminRoleList(options.adminRoles);
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
        await run(
          MEMBERSHIP_SCRIPTS.SET,
          [userKey(userId), orgKey(org)],
          [org, userId, role, ...admins],
        ),
        org,
      );
    },
    async removeMembership(org, userId) {
      await ready();
      return flag(
        await run(
          MEMBERSHIP_SCRIPTS.REMOVE,
          [userKey(userId), orgKey(org)],
          [org, userId, ...admins],
        ),
        org,
      );
    },
    async removeAccount(userId) {
      await ready();
      const reply = await run(
        MEMBERSHIP_SCRIPTS.REMOVE_ACCOUNT,
        [userKey(userId)],
        [`${prefix}:org:`, userId, ...admins],
      );
      if (
        Array.isArray(reply) &&
        reply.length === 2 &&
        reply[0] === -1 &&
        typeof reply[1] === "string"
      )
        throw new LastOrgAdminError(reply[1]);
      return flag(reply, "");
    },
  };
}
