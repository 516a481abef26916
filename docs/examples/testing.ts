// Your own tests (Vitest, Jest, node:test): real cookies, real requests, exact refusals.
import { guardOf } from "@/lib/authz";
import {
  expectRefusal,
  requestFor,
  routeContext,
  sessionCookie,
  sessionCookieName,
  signInWithCredentials,
} from "@/lib/authz/testing";
import { DELETE, GET } from "./route-handlers";

export async function bobCannotDeleteAlicesDocument(secret: string) {
  const cookie = await sessionCookie(
    { sub: "user-bob", role: "member", tenant: "acme" },
    { secret },
  );
  const response = await DELETE(
    requestFor("/api/documents/doc-2", { method: "DELETE", cookie }),
    routeContext({ id: "doc-2" }),
  );
  await expectRefusal(response, {
    status: 403,
    code: "owner_required",
    message: "Requires resource owner",
  });
}

export async function anonymousGets401() {
  await expectRefusal(await GET(requestFor("/api/me"), routeContext()), {
    status: 401,
    code: "unauthenticated",
  });
}

// Against a running server, through Auth.js's own sign-in endpoints.
export const aliceCookie = (baseUrl: string) =>
  signInWithCredentials(baseUrl, "alice@example.com", "demo");
export const cookieName = sessionCookieName(true); // "__Secure-authjs.session-token"
export const isGuarded = guardOf(GET) !== null; // what the route coverage test checks
