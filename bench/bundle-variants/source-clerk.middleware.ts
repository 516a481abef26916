// The floor plus one credential source: the kit's clerkSession reads __session in middleware.
import { NextResponse, type NextRequest } from "next/server";
import { clerkSession } from "@/lib/authz/session/clerk";

const session = clerkSession({
  jwtKey: process.env.CLERK_JWT_KEY ?? "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
  authorizedParties: ["https://app.example.com"],
});

export default async function middleware(request: NextRequest) {
  const outcome = await session.read(request);
  return outcome.status === "ok" ? NextResponse.next() : new Response(null, { status: 401 });
}

export const config = { matcher: ["/ping"] };
