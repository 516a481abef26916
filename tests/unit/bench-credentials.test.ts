/**
 * The credential bench (bench/credentials.bench.ts) runs end to end with a tiny duration: every
 * guarded call it times is a 200 (it throws otherwise), and the cold API-key path makes one store
 * round trip per check. No figure is asserted: figures come from `npm run bench` on a quiet box.
 */
import { expect, it } from "vitest";
import { benchCredentials } from "../../bench/credentials.bench";

it("runs: bearer and API-key routes answer 200, a cold key check is one store lookup", async () => {
  const r = await benchCredentials({ durationMs: 20, rounds: 1 });
  expect(r.apiKeyColdRoundTripsPerCheck).toBe(1);
  for (const figure of [r.plainChecksPerSec, r.bearerChecksPerSec, r.apiKeyWarmChecksPerSec])
    expect(figure).toBeGreaterThan(0);
  expect(Object.keys(r.verifyUs).sort()).toEqual(["ES256", "EdDSA", "RS256"]);
}, 60_000);
