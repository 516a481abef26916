import { authzLogged, signedIn } from "@/bench-kit";

export const dynamic = "force-dynamic";

export const GET = authzLogged.withAuthorization(signedIn, async () =>
  Response.json({ ok: true, route: "guarded-log" }),
);
