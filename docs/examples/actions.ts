"use server";
// app/_actions/documents.ts: server actions are public POST endpoints (their ids ship to the
// browser), so each one runs its whole policy and answers a refusal as data for its form.
import * as z from "zod";
import {
  actionRefusal,
  createActionGuard,
  isActionRefusal,
  publicAction,
} from "@/lib/authz/action";
import { notFound } from "@/lib/authz";
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

export const deleteUser = withAuthorizationAction(
  policies.deleteUsers,
  { input: z.object({ id: z.string() }) },
  async ({ id }) => (id === "nobody" ? actionRefusal(notFound()) : { ok: true as const }),
);

// Public on purpose, with the reason the entry-point report shows; its input is still checked, so
// a raw `Next-Action` POST with `[]` as arguments answers a 400 refusal, not a crash.
export const subscribe = publicAction(
  "newsletter sign-up: anyone may subscribe",
  { input: z.object({ email: z.email() }) },
  async ({ email }) => ({ ok: true as const, email }),
);

// In a client component: const [state, action] = useActionState(deleteDocument, null); a plain
// <form action={deleteDocument}> works too (React ignores the result there).
export async function describe(result: unknown) {
  return isActionRefusal(result) ? `${result.status}: ${result.message}` : "deleted";
}
