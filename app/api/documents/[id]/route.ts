import * as z from "zod";
import { policies } from "@/lib/access";
import { documentStore } from "@/lib/demo/store";
import { withAuthorization } from "@/lib/authz-node";

const params = z.object({ id: z.string().min(1).max(64) });
// The loader runs once, after the claims checks; the kit checks tenant and owner on its result.
const load = ({ params }: { params: { id: string } }) => documentStore.get(params.id);

export const GET = withAuthorization(
  policies.readDocument,
  { params, load },
  async (_request, { resource }) => Response.json({ document: resource }),
);

export const DELETE = withAuthorization(
  policies.deleteDocument,
  { params, load },
  async (_request, { resource }) => {
    await documentStore.delete(resource.id);
    return new Response(null, { status: 204 });
  },
);
