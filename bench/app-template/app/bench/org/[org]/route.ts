import { orgAuthz, orgMember } from "@/bench-kit";

export const dynamic = "force-dynamic";

export const GET = orgAuthz.withAuthorization(orgMember, async (_request, { subject }) =>
  Response.json({ ok: true, route: "org", org: subject.org.id }),
);
