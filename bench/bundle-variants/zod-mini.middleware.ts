// The floor plus `zod/mini`: the same claims schema as the full-zod variant.
import { NextResponse, type NextRequest } from "next/server";
import * as z from "zod/mini";

const claims = z.object({
  sub: z.string().check(z.minLength(1)),
  email: z.nullish(z.string()),
  name: z.nullish(z.string()),
  role: z.optional(z.enum(["member", "admin"])),
  roles: z.optional(z.array(z.enum(["member", "admin"]))),
  tenant: z.optional(z.string().check(z.minLength(1))),
  plan: z.optional(z.enum(["free", "pro"])),
});

export default function middleware(request: NextRequest) {
  const parsed = claims.safeParse(JSON.parse(request.headers.get("x-claims") ?? "null"));
  return parsed.success ? NextResponse.next() : new Response(null, { status: 401 });
}

export const config = { matcher: ["/ping"] };
