// One middleware, three guards, dispatched by path, so all are measured in the same server and
// run: a no-op (the platform's floor), the kit's, and Auth.js's auth() wrapper. /bench/mw-none and
// the handler-side routes are not matched at all.
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authorizationMiddleware } from "@/lib/authz/middleware";
import { definePathRules } from "@/lib/authz/decide/path";
import { authz, authzLogged, signedIn } from "@/bench-kit";

const kit = authorizationMiddleware(authz, {
  rules: definePathRules([{ path: "/bench/mw-kit/**", policy: signedIn, kind: "api" }]),
  signInPath: "/signin",
});

const kitLogged = authorizationMiddleware(authzLogged, {
  rules: definePathRules([{ path: "/bench/mw-kit-log/**", policy: signedIn, kind: "api" }]),
  signInPath: "/signin",
});

const { auth } = NextAuth({ providers: [], session: { strategy: "jwt" }, trustHost: true });
const authjs = auth(() => NextResponse.next());

export default async function middleware(request: NextRequest, event: NextFetchEvent) {
  const path = request.nextUrl.pathname;
  if (path.startsWith("/bench/mw-noop")) return NextResponse.next();
  if (path.startsWith("/bench/mw-kit-log")) return kitLogged(request);
  if (path.startsWith("/bench/mw-kit")) return kit(request);
  if (path.startsWith("/bench/mw-authjs")) return authjs(request, event as never);
  return undefined;
}

export const config = {
  matcher: ["/bench/mw-noop", "/bench/mw-kit", "/bench/mw-kit-log", "/bench/mw-authjs"],
};
