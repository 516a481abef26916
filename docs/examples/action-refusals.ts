"use server";
// app/_actions/more.ts: a refusal the action makes itself, a public action, and reading a result.
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
