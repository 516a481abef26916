import * as z from "zod";
import { policies } from "@/lib/access";
import { documentStore } from "@/lib/demo/store";
import { withAuthorization } from "@/lib/authz-node";

const params = z.object({ org: z.string(), id: z.string().min(1).max(64) });
// The kit compares the document's org (tenantId) with the active org: another org's document is
// a 404 through this URL, even for a member of both.
const load = ({ params }: { params: { id: string } }) => documentStore.get(params.id);

export const GET = withAuthorization(
  policies.orgDocument,
  { params, load },
  async (_request, { resource }) => Response.json({ document: resource }),
);

export const DELETE = withAuthorization(
  policies.deleteOrgDocument,
  { params, load },
  async (_request, { resource }) => {
    await documentStore.delete(resource.id);
    return new Response(null, { status: 204 });
  },
);
