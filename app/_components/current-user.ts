import { policies } from "@/lib/access";
import { currentRequest } from "@/lib/authz/entry/next-request";
import { authz } from "@/lib/authz-node";

/**
 * Who is signed in, read by the kit itself (the same cookie reader the API uses), or null. For
 * display only, so it decides nothing and logs no decision: pages that need a user guard with
 * `authorize()`.
 */
export async function currentUser() {
  return authz.subject(policies.signedIn, await currentRequest());
}
