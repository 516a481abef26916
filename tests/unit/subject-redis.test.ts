/**
 * The Redis membership store without a Redis: each script's SHA-1 constant is the script's real
 * SHA-1 (the folder hashes nothing at run time), and the store calls EVALSHA by it.
 * tests/integration/subject-redis.test.ts runs the store against a real redis-server.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  MEMBERSHIP_SCRIPTS,
  redisMembershipStore,
  type RedisScriptClient,
} from "@/lib/authz/subject/redis";

describe("MEMBERSHIP_SCRIPTS", () => {
  it("every sha1 is the SHA-1 of its script, and no two scripts share one", () => {
    const scripts = Object.entries(MEMBERSHIP_SCRIPTS);
    expect(scripts.map(([name]) => name)).toEqual([
      "READ",
      "READ_SEEDED",
      "SET",
      "REMOVE",
      "REMOVE_ACCOUNT",
      "SEED",
    ]);
    for (const [name, { source, sha1 }] of scripts)
      expect(sha1, name).toBe(createHash("sha1").update(source).digest("hex"));
    expect(new Set(scripts.map(([, s]) => s.sha1)).size).toBe(scripts.length);
  });
});

describe("redisMembershipStore", () => {
  it("runs each call by its script's constant SHA-1, with no digest first", async () => {
    const calls: [string, string, string[]][] = [];
    const client: RedisScriptClient = {
      evalSha: async (sha1, o) => {
        calls.push(["evalSha", sha1, o.keys]);
        return sha1 === MEMBERSHIP_SCRIPTS.READ.sha1 ? ["account", "1", "org:acme", "admin"] : 1;
      },
      eval: async (script, o) => {
        calls.push(["eval", script, o.keys]);
        return 1;
      },
    };
    const store = redisMembershipStore({ client, prefix: "p" });
    expect(await store.load("u-a")).toEqual({ memberships: { acme: "admin" } });
    expect(await store.setMembership("globex", "u-a", "member")).toBe(true);
    expect(calls).toEqual([
      ["evalSha", MEMBERSHIP_SCRIPTS.READ.sha1, ["p:user:u-a"]],
      ["evalSha", MEMBERSHIP_SCRIPTS.SET.sha1, ["p:user:u-a", "p:org:globex"]],
    ]);
  });
});
