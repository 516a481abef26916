// The floor plus one credential source: the kit's supabaseSession reads the cookie in middleware.
import { NextResponse, type NextRequest } from "next/server";
import { supabaseSession } from "@/lib/authz/session/supabase";

const session = supabaseSession({ url: "https://abcdefgh.supabase.co" });

export default async function middleware(request: NextRequest) {
  const outcome = await session.read(request);
  return outcome.status === "ok" ? NextResponse.next() : new Response(null, { status: 401 });
}

export const config = { matcher: ["/ping"] };
