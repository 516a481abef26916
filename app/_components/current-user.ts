import { policies } from "@/lib/access";
import { authorizeAction } from "@/lib/authz-node";

/**
 * Who is signed in, read by the kit itself (the same cookie reader the API uses), or null. For
 * display only: pages that need a user guard with `authorize()`.
 */
export async function currentUser() {
  const result = await authorizeAction(policies.signedIn);
  return result.ok ? result.subject : null;
}
