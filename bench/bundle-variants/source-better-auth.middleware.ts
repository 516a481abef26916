// The floor plus one credential source: the kit's betterAuthSession reads Better Auth's signed
// session token and its cookie cache (compact, jwt and jwe decoders all bundled) in middleware.
import { NextResponse, type NextRequest } from "next/server";
import { betterAuthSession } from "@/lib/authz/session/better-auth";

const session = betterAuthSession({
  secret: () => process.env.BETTER_AUTH_SECRET,
  strategy: process.env.BETTER_AUTH_STRATEGY === "jwe" ? "jwe" : "compact",
  secure: false,
});

export default async function middleware(request: NextRequest) {
  const outcome = await session.read(request);
  return outcome.status === "ok" ? NextResponse.next() : new Response(null, { status: 401 });
}

export const config = { matcher: ["/ping"] };
