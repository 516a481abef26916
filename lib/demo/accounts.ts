/**
 * NODE.JS RUNTIME ONLY (imports the Redis client). The demo's accounts and org memberships: in
 * Redis when REDIS_URL is set (the same Redis as the rate limits, shared by every instance),
 * otherwise in this process's memory; read through the kit's subject freshness cache.
 *
 * One instance per process, kept on globalThis: Next may evaluate this module more than once
 * (route handlers, pages and server actions are separate bundles), and a write must invalidate the
 * cache every one of them reads.
 */
import {
  memoryMembershipStore,
  redisMembershipStore,
  subjectFreshness,
  type MembershipStore,
  type OrgMember,
  type SubjectFreshness,
} from "@/lib/authz";
import { createRedisClientFromUrl } from "@/lib/redis-node";
import { access } from "../access";
import { demoMemberships } from "./users";

/** How long an instance reuses an account read: the bound for changes made on other instances. */
export const ACCOUNT_CACHE_MS = 2_000;

interface DemoAccounts {
  readonly redisUrl: string | undefined;
  readonly store: MembershipStore;
  readonly subjects: SubjectFreshness;
  readonly reset: () => void;
}

/** The org roles that manage an org: no change may leave an org without one (admin, here). */
const adminRoles = access.orgRoles.names.filter((role) => access.orgRoles.satisfies(role, "admin"));

function create(redisUrl: string | undefined): DemoAccounts {
  if (redisUrl) {
    const store = redisMembershipStore({
      client: createRedisClientFromUrl(redisUrl),
      prefix: "next-authz-kit:subjects",
      seed: demoMemberships,
      adminRoles,
    });
    const subjects = subjectFreshness({ source: store, maxAgeMs: ACCOUNT_CACHE_MS });
    return { redisUrl, store, subjects, reset: () => subjects.clear() };
  }
  const store = memoryMembershipStore(demoMemberships, { adminRoles });
  const subjects = subjectFreshness({ source: store, maxAgeMs: ACCOUNT_CACHE_MS });
  return {
    redisUrl,
    store,
    subjects,
    reset: () => {
      store.reset();
      subjects.clear();
    },
  };
}

const SLOT = Symbol.for("next-authz-kit.demo.accounts");
const holder = globalThis as typeof globalThis & { [SLOT]?: DemoAccounts };

function current(): DemoAccounts {
  const url = process.env.REDIS_URL || undefined;
  const existing = holder[SLOT];
  if (existing !== undefined && existing.redisUrl === url) return existing;
  return (holder[SLOT] = create(url));
}

/**
 * The demo's account operations. Every write invalidates this process's cache entry for the user,
 * so the change shows on this instance's next request; other instances see it within the cache age.
 */
export const demoAccounts = {
  /** The cache the kit reads every session's account through (lib/authz-node.ts). */
  get subjects(): SubjectFreshness {
    return current().subjects;
  },
  members: (org: string): Promise<readonly OrgMember[]> => current().store.members(org),
  async setMembership(org: string, userId: string, role: string): Promise<boolean> {
    const { store, subjects } = current();
    try {
      return await store.setMembership(org, userId, role);
    } finally {
      subjects.invalidate(userId);
    }
  },
  async removeMembership(org: string, userId: string): Promise<boolean> {
    const { store, subjects } = current();
    try {
      return await store.removeMembership(org, userId);
    } finally {
      subjects.invalidate(userId);
    }
  },
  async removeAccount(userId: string): Promise<boolean> {
    const { store, subjects } = current();
    try {
      return await store.removeAccount(userId);
    } finally {
      subjects.invalidate(userId);
    }
  },
  /** Back to the seed (memory) or to an empty cache (Redis keeps its data): tests only. */
  reset: (): void => current().reset(),
};
