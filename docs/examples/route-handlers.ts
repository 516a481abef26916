// app/api/documents/[id]/route.ts and friends: every exported handler is wrapped or marked public.
import * as z from "zod";
import { notFound, publicRoute } from "@/lib/authz";
import { policies } from "@/lib/access";
import { authz, withAuthorization } from "@/lib/authz-node";

interface Doc {
  readonly id: string;
  readonly title: string;
  readonly tenantId: string;
  readonly ownerId: string;
}
declare const db: { find(id: string): Promise<Doc | null>; remove(id: string): Promise<boolean> };

// The handler runs only when the policy allows; `subject` is typed non-null.
export const GET = withAuthorization(policies.signedIn, async (_request, { subject }) =>
  Response.json({ id: subject.id, roles: subject.roles }),
);

// Params and body validated (400 with field issues); the resource loaded once and checked for
// tenant and owner before the handler sees it; null from `load` is the kit's 404.
export const DELETE = withAuthorization(
  policies.deleteDocument,
  { params: z.object({ id: z.string().min(1) }), load: ({ params }) => db.find(params.id) },
  async (_request, { resource }) => {
    await db.remove(resource.id);
    return new Response(null, { status: 204 });
  },
);

// A refusal the handler makes itself goes through the kit, so it matches the kit's own bytes.
export const PATCH = withAuthorization(
  policies.admin,
  { body: z.object({ id: z.string(), title: z.string().max(200) }) },
  async (request, { body }) => {
    const doc = await db.find(body.id);
    if (!doc) return authz.denialResponse(notFound(), request);
    return Response.json({ ...doc, title: body.title });
  },
);

// Deliberately public, with the reason: the coverage test accepts it.
export const OPTIONS = publicRoute(
  "CORS preflight for the public API",
  async () => new Response(null, { status: 204 }),
);
