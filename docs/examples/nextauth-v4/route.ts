// app/api/auth/[...nextauth]/route.ts: NextAuth v4's own App Router handler (next-auth 4.22 or
// later), public on purpose so that `authz:report` and the route coverage test accept it.
import NextAuth from "next-auth";
import { publicRoute, type RouteContext } from "@/lib/authz";
import { authOptions } from "@/auth";

const handler = NextAuth(authOptions);

export const GET = publicRoute(
  "NextAuth sign-in endpoints",
  (request: Request, context: RouteContext) => handler(request, context),
);
export const POST = publicRoute(
  "NextAuth sign-in endpoints",
  (request: Request, context: RouteContext) => handler(request, context),
);
