// app/admin/actions.ts: server actions are public POST endpoints (their ids ship to the browser),
// so each one runs its whole policy and answers a refusal as data for its form.
"use server";
import * as z from "zod";
import { createActionGuard } from "@/lib/authz/action";
import { policies } from "@/lib/access";
import { authz } from "@/lib/authz-node";

const { withAuthorizationAction } = createActionGuard(authz);
const documents = new Map([["doc-1", { id: "doc-1", tenantId: "acme", ownerId: "user-bob" }]]);

// Order: session, role/permission/feature, input (400), rate limit (429), resource (403/404).
// A refusal comes back as { ok: false, status, code, message, details }: never a thrown redirect.
export const deleteDocument = withAuthorizationAction(
  policies.deleteDocument,
  {
    input: z.object({ id: z.string().min(1) }), // the form's FormData, or the first argument
    load: ({ input }) => documents.get(input.id), // checked against tenant and owner
  },
  async (_input, { resource }) => {
    documents.delete(resource.id);
    return { ok: true as const, deleted: resource.id };
  },
);
