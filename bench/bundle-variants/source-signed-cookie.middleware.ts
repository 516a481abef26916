// The floor plus one credential source: the kit's signedCookie reads a jose-signed cookie.
import { NextResponse, type NextRequest } from "next/server";
import { signedCookie } from "@/lib/authz/session/signed-cookie";

const session = signedCookie({ secret: () => process.env.AUTH_SECRET });

export default async function middleware(request: NextRequest) {
  const outcome = await session.read(request);
  return outcome.status === "ok" ? NextResponse.next() : new Response(null, { status: 401 });
}

export const config = { matcher: ["/ping"] };
