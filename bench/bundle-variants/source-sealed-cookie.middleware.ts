// The floor plus one credential source: the kit's sealedCookie unseals iron-session's cookie.
import { NextResponse, type NextRequest } from "next/server";
import { sealedCookie } from "@/lib/authz/session/sealed-cookie";

const session = sealedCookie({
  cookieName: "app_session",
  password: () => process.env.SESSION_PASSWORD,
});

export default async function middleware(request: NextRequest) {
  const outcome = await session.read(request);
  return outcome.status === "ok" ? NextResponse.next() : new Response(null, { status: 401 });
}

export const config = { matcher: ["/ping"] };
