/**
 * Where a logged middleware request's time goes, in µs per call on one core (issue 23.8): the
 * whole middleware call (no-op, the kit's, the kit's with the decision log) and each piece the log
 * adds: the request id, its HMAC tag (the kit's synchronous HMAC beside Web Crypto's, which it
 * replaced), the header hand-over to the handler (`NextResponse.next({ request: { headers } })`)
 * and recording the event. Calls are sequential; rounds alternate and each figure keeps its best.
 */
import { encode } from "next-auth/jwt";
import { NextRequest, NextResponse } from "next/server";
import { defineAccess } from "../lib/authz/decide/access";
import { createAuthz } from "../lib/authz/entry/create-authz";
import { hmacTagger } from "../lib/authz/decision-log/hmac";
import { createDecisionLog } from "../lib/authz/decision-log/log";
import { memorySink } from "../lib/authz/decision-log/sinks/memory";
import { authorizationMiddleware } from "../lib/authz/middleware";
import { definePathRules } from "../lib/authz/decide/path";
import { authJsSession } from "../lib/authz/session";
import { perCallUs, roundUs } from "./timing";

const SECRET = "bench-secret-0123456789abcdef0123456789abcdef";
const SALT = "authjs.session-token";

/** µs per call of each whole middleware and each piece of the decision log's share. */
export interface RequestProfile {
  readonly mwNoopUs: number;
  readonly mwKitUs: number;
  readonly mwKitLogUs: number;
  readonly requestIdUs: number;
  readonly hmacKitUs: number;
  readonly hmacWebCryptoUs: number;
  readonly handOverUs: number;
  readonly recordUs: number;
}

/**
 * Profiles one logged middleware request piece by piece; `scale` shrinks the iteration counts (a
 * smoke run that only proves the cases execute).
 *
 * @example
 * const p = await benchRequestProfile();
 * console.log(p.mwKitLogUs - p.mwKitUs); // the log's share
 */
export async function benchRequestProfile(scale = 1): Promise<RequestProfile> {
  const n = (count: number) => Math.max(1, Math.round(count * scale));
  const access = defineAccess({ roles: { member: {} } });
  const signedIn = access.policy({ name: "profile-signed-in" });
  const session = authJsSession({ secret: SECRET });
  const log = createDecisionLog({ sinks: [memorySink()], secret: () => SECRET });
  const rules = (path: string) => definePathRules([{ path, policy: signedIn, kind: "api" }]);
  const kit = authorizationMiddleware(createAuthz({ session }), {
    rules: rules("/p/**"),
    signInPath: "/signin",
  });
  const logged = authorizationMiddleware(createAuthz({ session, decisionLog: log }), {
    rules: rules("/p/**"),
    signInPath: "/signin",
  });
  const token = await encode({
    token: { sub: "user-bench", name: "Bench", role: "member" },
    secret: SECRET,
    salt: SALT,
    maxAge: 3600,
  });
  const headers = { cookie: `${SALT}=${token}`, "user-agent": "bench", accept: "*/*" };
  const request = () => new NextRequest("http://127.0.0.1:3000/p/x", { headers });
  const ok = async (response: Promise<Response | undefined>) => {
    const r = await response;
    if (r && r.status !== 200) throw new Error(`benchRequestProfile: a check answered ${r.status}`);
  };
  const tagger = hmacTagger(() => SECRET, "request id");
  const webKey = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(`next-authz-kit request id\0${SECRET}`),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const id = crypto.randomUUID();
  const prepared = request();

  const best = {
    mwNoopUs: Infinity,
    mwKitUs: Infinity,
    mwKitLogUs: Infinity,
    requestIdUs: Infinity,
    hmacKitUs: Infinity,
    hmacWebCryptoUs: Infinity,
    handOverUs: Infinity,
    recordUs: Infinity,
  };
  const keep = (key: keyof typeof best, us: number) => (best[key] = Math.min(best[key], us));
  for (let round = 0; round < 5; round++) {
    keep(
      "mwNoopUs",
      await perCallUs(n(3000), () => (request(), NextResponse.next()), Math.min(200, n(3000))),
    );
    keep("mwKitUs", await perCallUs(n(3000), () => ok(kit(request())), Math.min(200, n(3000))));
    keep(
      "mwKitLogUs",
      await perCallUs(n(3000), () => ok(logged(request())), Math.min(200, n(3000))),
    );
    keep(
      "requestIdUs",
      await perCallUs(n(20_000), () => crypto.randomUUID(), Math.min(200, n(20_000))),
    );
    keep("hmacKitUs", await perCallUs(n(20_000), () => tagger.tag(id), Math.min(200, n(20_000))));
    keep(
      "hmacWebCryptoUs",
      await perCallUs(
        n(3000),
        () => crypto.subtle.sign("HMAC", webKey, new TextEncoder().encode(id)),
        Math.min(200, n(3000)),
      ),
    );
    keep(
      "handOverUs",
      await perCallUs(
        n(5000),
        () => {
          const forwarded = new Headers(prepared.headers);
          forwarded.set("x-authz-request-id", `${id}.tag`);
          return NextResponse.next({ request: { headers: forwarded } });
        },
        Math.min(200, n(5000)),
      ),
    );
    keep(
      "recordUs",
      await perCallUs(
        n(5000),
        () =>
          log.record({
            layer: "middleware",
            policy: signedIn.name,
            request: prepared,
            refusal: null,
            subject: "user-bench",
            ip: null,
            startedAt: performance.now(),
          }),
        Math.min(200, n(5000)),
      ),
    );
  }
  await log.drain();
  return Object.fromEntries(
    Object.entries(best).map(([k, v]) => [k, roundUs(v)]),
  ) as unknown as RequestProfile;
}
