import { authz, signedIn } from "@/bench-kit";

export const dynamic = "force-dynamic";

export const GET = authz.withAuthorization(signedIn, async () =>
  Response.json({ ok: true, route: "guarded" }),
);
