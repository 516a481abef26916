/**
 * The subject freshness cache: what it promises is the bound. An entry is never served past
 * `maxAgeMs`; after `invalidate` the next read asks the source, even when a read that started
 * before it is still in flight; failures are never cached; concurrent misses share one read.
 */
import { describe, expect, it } from "vitest";
import { subjectFreshness, type AccountRecord, type AccountSource } from "@/lib/authz";
import { expectConfigError } from "../support/config-error";

/** A source whose answers the test controls, counting every load. */
function controlled() {
  let memberships: Record<string, string> | null = { acme: "member" };
  const pending: (() => void)[] = [];
  let gate = false;
  const source: AccountSource & { loads: number } = {
    loads: 0,
    async load() {
      source.loads++;
      const answer = memberships === null ? null : { memberships: { ...memberships } };
      if (gate) await new Promise<void>((resolve) => pending.push(resolve));
      return answer;
    },
  };
  return {
    source,
    set: (m: Record<string, string> | null) => (memberships = m),
    hold: () => (gate = true),
    release: () => {
      gate = false;
      for (const r of pending.splice(0)) r();
    },
  };
}

describe("subjectFreshness", () => {
  it("reuses a read for maxAgeMs, then reads again", async () => {
    let t = 1_000;
    const c = controlled();
    const subjects = subjectFreshness({ source: c.source, maxAgeMs: 2_000, now: () => t });
    expect(await subjects.read("u")).toEqual({ memberships: { acme: "member" } });
    c.set({ acme: "admin" });
    t += 1_999;
    expect(await subjects.read("u")).toEqual({ memberships: { acme: "member" } });
    expect(c.source.loads).toBe(1);
    t += 1;
    expect(await subjects.read("u")).toEqual({ memberships: { acme: "admin" } });
    expect(c.source.loads).toBe(2);
  });

  it("invalidate: the next read sees the change at once", async () => {
    const c = controlled();
    const subjects = subjectFreshness({ source: c.source });
    await subjects.read("u");
    c.set(null);
    subjects.invalidate("u");
    expect(await subjects.read("u")).toBeNull();
  });

  it("a read in flight during invalidate is not cached, and later reads do not join it", async () => {
    const c = controlled();
    const subjects = subjectFreshness({ source: c.source });
    c.hold();
    const before = subjects.read("u"); // started with the old state
    c.set({ globex: "admin" });
    subjects.invalidate("u");
    c.release();
    expect(await before).toEqual({ memberships: { acme: "member" } });
    expect(await subjects.read("u")).toEqual({ memberships: { globex: "admin" } });
    expect(c.source.loads).toBe(2);
  });

  it("concurrent misses for one user share one read", async () => {
    const c = controlled();
    const subjects = subjectFreshness({ source: c.source });
    c.hold();
    const reads = [subjects.read("u"), subjects.read("u"), subjects.read("u")];
    c.release();
    const results = await Promise.all(reads);
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(c.source.loads).toBe(1);
  });

  it("a failure is not cached: the next read asks again", async () => {
    let fail = true;
    let loads = 0;
    const subjects = subjectFreshness({
      source: {
        async load() {
          loads++;
          if (fail) throw new Error("down");
          return { memberships: {} };
        },
      },
    });
    await expect(subjects.read("u")).rejects.toThrow("down");
    fail = false;
    expect(await subjects.read("u")).toEqual({ memberships: {} });
    expect(loads).toBe(2);
  });

  it("a source that throws synchronously rejects the read, it does not throw", async () => {
    const subjects = subjectFreshness({
      source: {
        load: () => {
          throw new Error("sync");
        },
      },
    });
    await expect(subjects.read("u")).rejects.toThrow("sync");
  });

  it("a non-record answer rejects (the kit answers 503), null is a deleted account", async () => {
    const answers: unknown[] = ["x", [], 1, null];
    const subjects = subjectFreshness({
      maxAgeMs: 0,
      source: { load: async () => answers.shift() as AccountRecord | null },
    });
    for (let i = 0; i < 3; i++) await expect(subjects.read("u")).rejects.toThrow(TypeError);
    expect(await subjects.read("u")).toBeNull();
  });

  it("keeps at most maxEntries accounts, dropping the oldest", async () => {
    const c = controlled();
    const subjects = subjectFreshness({ source: c.source, maxEntries: 2 });
    await subjects.read("a");
    await subjects.read("b");
    await subjects.read("c"); // evicts a
    expect(c.source.loads).toBe(3);
    await subjects.read("c");
    await subjects.read("b");
    expect(c.source.loads).toBe(3);
    await subjects.read("a");
    expect(c.source.loads).toBe(4);
  });

  it("checks its options once, at definition", () => {
    const source = controlled().source;
    expect(() => subjectFreshness({ source, maxAgeMs: 5_001 })).toThrow(TypeError);
    expectConfigError(
      () => subjectFreshness({ source, maxAgeMs: 5_001 }),
      "invalid_subject_options",
    );
    expect(() => subjectFreshness({ source, maxAgeMs: -1 })).toThrow(TypeError);
    expectConfigError(() => subjectFreshness({ source, maxAgeMs: -1 }), "invalid_subject_options");
    expect(() => subjectFreshness({ source, maxEntries: 0 })).toThrow(TypeError);
    expectConfigError(() => subjectFreshness({ source, maxEntries: 0 }), "invalid_subject_options");
    expect(() => subjectFreshness({ source: {} as AccountSource })).toThrow(TypeError);
    expectConfigError(
      () => subjectFreshness({ source: {} as AccountSource }),
      "invalid_subject_options",
    );
  });
});
