import { callers, bearerAuthz } from "@/bench-kit";

export const dynamic = "force-dynamic";

export const GET = bearerAuthz.withAuthorization(callers, async () =>
  Response.json({ ok: true, route: "bearer" }),
);
