// The floor plus one credential source: the kit's authJsSession reads Auth.js's encrypted session
// cookie (JWE, chunks, rotated secrets) in middleware, without next-auth.
import { NextResponse, type NextRequest } from "next/server";
import { authJsSession } from "@/lib/authz/session/authjs";

const session = authJsSession({ secret: () => process.env.AUTH_SECRET });

export default async function middleware(request: NextRequest) {
  const claims = await session(request);
  return claims ? NextResponse.next() : new Response(null, { status: 401 });
}

export const config = { matcher: ["/ping"] };
