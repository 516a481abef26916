/**
 * Cost of reading an Auth.js v5 session, in µs per call on one core: the kit with its cache off
 * (full Web Crypto decryption every call, keys imported once), the kit with its cache warm, and
 * Auth.js's own `decode` from `next-auth/jwt` as the baseline. Calls are sequential (await each), as
 * a request handler would make them. The three are measured in alternating rounds and each keeps its
 * best round: on a shared machine noise only ever adds time, so the minimum is the steadiest figure.
 */
import { decode, encode } from "next-auth/jwt";
import { authJsSession } from "../lib/authz/session";
import { perCallUs, roundUs } from "./timing";

const SECRET = "bench-secret-0123456789abcdef0123456789abcdef";
const NAME = "authjs.session-token";

/**
 * Measures the three session reads in this process and returns µs per call.
 *
 * @example
 * const { kitColdUs, kitWarmUs, decodeUs } = await benchSessionRead();
 */
export async function benchSessionRead(): Promise<{
  kitColdUs: number;
  kitWarmUs: number;
  decodeUs: number;
}> {
  // A typical session: the claims the demo puts in its JWT.
  const token = await encode({
    token: {
      sub: "user-alice",
      email: "alice@example.com",
      name: "Alice",
      role: "admin",
      tenant: "acme",
      plan: "pro",
    },
    secret: SECRET,
    salt: NAME,
  });
  const request = new Request("http://localhost:3000/api/me", {
    headers: {
      cookie: `authjs.csrf-token=abc%7Cdef; authjs.callback-url=http%3A%2F%2Flocalhost%3A3000; ${NAME}=${token}`,
    },
  });
  const cold = authJsSession({ secret: SECRET, cache: false });
  const warm = authJsSession({ secret: SECRET });

  const check = await cold(request);
  if (check?.sub !== "user-alice")
    throw new Error("benchSessionRead: the kit did not read the session");

  let kitColdUs = Infinity;
  let kitWarmUs = Infinity;
  let decodeUs = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    kitColdUs = Math.min(kitColdUs, await perCallUs(1000, () => cold(request), 100));
    kitWarmUs = Math.min(kitWarmUs, await perCallUs(20_000, () => warm(request), 500));
    decodeUs = Math.min(
      decodeUs,
      await perCallUs(500, () => decode({ token, secret: SECRET, salt: NAME }), 50),
    );
  }
  return {
    kitColdUs: roundUs(kitColdUs),
    kitWarmUs: roundUs(kitWarmUs),
    decodeUs: roundUs(decodeUs),
  };
}
