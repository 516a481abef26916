// app/api/auth/[...nextauth]/route.ts: Auth.js's own endpoints (sign-in, callback, session), public
// on purpose so that the route coverage test and `authz:report` accept them.
import type { NextRequest } from "next/server";
import { publicRoute } from "@/lib/authz";
import { handlers } from "@/auth";

export const GET = publicRoute("Auth.js sign-in endpoints", (request: Request) =>
  handlers.GET(request as NextRequest),
);
export const POST = publicRoute("Auth.js sign-in endpoints", (request: Request) =>
  handlers.POST(request as NextRequest),
);
