/**
 * The request profile (bench/request-profile.bench.ts) runs end to end at a tiny scale: every
 * middleware call it times answers 200 or passes (it throws otherwise), and every piece is timed.
 * No figure is asserted: figures come from `npm run bench` on a quiet machine.
 */
import { expect, it } from "vitest";
import { benchRequestProfile } from "../../bench/request-profile.bench";

it("runs: the no-op, the kit's and the logged middleware pass, and each log piece is timed", async () => {
  const p = await benchRequestProfile(0.01);
  expect(Object.keys(p).sort()).toEqual(
    [
      "handOverUs",
      "hmacKitUs",
      "hmacWebCryptoUs",
      "mwKitLogUs",
      "mwKitUs",
      "mwNoopUs",
      "recordUs",
      "requestIdUs",
    ].sort(),
  );
  for (const us of Object.values(p)) expect(us).toBeGreaterThan(0);
}, 60_000);
