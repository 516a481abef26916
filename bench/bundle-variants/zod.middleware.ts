// The floor plus full `zod`: the session claims as a zod schema, parsed on every request, so the
// bundler keeps what a real claims check would keep.
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";

const claims = z.object({
  sub: z.string().min(1),
  email: z.string().nullish(),
  name: z.string().nullish(),
  role: z.enum(["member", "admin"]).optional(),
  roles: z.array(z.enum(["member", "admin"])).optional(),
  tenant: z.string().min(1).optional(),
  plan: z.enum(["free", "pro"]).optional(),
});

export default function middleware(request: NextRequest) {
  const parsed = claims.safeParse(JSON.parse(request.headers.get("x-claims") ?? "null"));
  return parsed.success ? NextResponse.next() : new Response(null, { status: 401 });
}

export const config = { matcher: ["/ping"] };
