import { callers, apiKeyAuthz } from "@/bench-kit";

export const dynamic = "force-dynamic";

export const GET = apiKeyAuthz.withAuthorization(callers, async () =>
  Response.json({ ok: true, route: "api-key" }),
);
