import { callers, betterAuthAuthz } from "@/bench-kit";

export const dynamic = "force-dynamic";

export const GET = betterAuthAuthz.withAuthorization(callers, async () =>
  Response.json({ ok: true, route: "better-auth" }),
);
