/**
 * Subject freshness against a real redis-server: Redis round trips per org-guarded check with a
 * cold cache (every user new to the process: at most 1 is the target) and with a warm one (0),
 * counted at the client, and checks per second for both.
 *
 * Loaded by the bench runner with Vite's `runnerImport`.
 */
import { createAuthz } from "../lib/authz/entry/create-authz";
import { defineAccess } from "../lib/authz/decide/access";
import { subjectFreshness } from "../lib/authz/subject/freshness";
import { redisMembershipStore, type RedisScriptClient } from "../lib/authz/subject/redis";
import { createRedisClientFromUrl } from "../lib/redis-node";

const USERS = 2_000;

export async function benchSubjectFreshness(redisUrl: string) {
  const client = createRedisClientFromUrl(redisUrl, { onError: () => undefined });
  await client.connect();
  let calls = 0;
  const counting: RedisScriptClient = {
    evalSha: (sha, o) => (calls++, client.evalSha(sha, o)),
    eval: (script, o) => (calls++, client.eval(script, o)),
  };
  const seed = Object.fromEntries(
    Array.from({ length: USERS }, (_, i) => [`u${i}`, { acme: "member" }]),
  );
  const store = redisMembershipStore({ client: counting, prefix: `bench:${Date.now()}`, seed });
  const access = defineAccess({ roles: { member: {} }, orgRoles: { member: {} } });
  const policy = access.policy({ name: "bench-org", org: { segment: "org" } });
  const subjects = subjectFreshness({ source: store, maxAgeMs: 5_000, maxEntries: USERS * 2 });
  const authz = createAuthz({
    session: async (request) => ({ sub: request.headers.get("x-user") ?? "" }),
    subjects,
  });
  const request = (i: number) =>
    new Request("http://bench/api/orgs/acme", { headers: { "x-user": `u${i}` } });

  await store.load("u0"); // seed and load the scripts once, outside the counts
  subjects.clear();
  calls = 0;
  let started = performance.now();
  for (let i = 0; i < USERS; i++) {
    const d = await authz.check(policy, request(i), { org: "acme" });
    if (!d.allowed) throw new Error(`cold check ${i} refused: ${d.code}`);
  }
  const coldMs = performance.now() - started;
  const coldCalls = calls;
  calls = 0;
  started = performance.now();
  for (let i = 0; i < USERS; i++) {
    const d = await authz.check(policy, request(i), { org: "acme" });
    if (!d.allowed) throw new Error(`warm check ${i} refused: ${d.code}`);
  }
  const warmMs = performance.now() - started;
  const warmCalls = calls;
  await client.close();
  return {
    coldRoundTripsPerCheck: coldCalls / USERS,
    warmRoundTripsPerCheck: warmCalls / USERS,
    coldChecksPerSec: (USERS / coldMs) * 1000,
    warmChecksPerSec: (USERS / warmMs) * 1000,
  };
}
