// Pages, server components and server actions: the same policies through lib/authz/server.
import { createPageGuard, sameOriginPath, signInRedirectPath } from "@/lib/authz/server";
import { policies } from "./access";
import { authz } from "./authz-node";

export const { authorize, authorizeAction } = createPageGuard(authz, { signInPath: "/signin" });

// Anonymous: redirect to /signin?callbackUrl=%2Fadmin. Signed in without the role: forbidden(),
// which renders app/forbidden.tsx with status 403 (experimental.authInterrupts in next.config.ts).
export default async function AdminPage() {
  const subject = await authorize(policies.admin, { path: "/admin" });
  return <h1>Hello, {subject.name ?? subject.id}</h1>;
}

// Server actions get a typed refusal instead of a thrown redirect.
export async function deleteUser(formData: FormData): Promise<{ error?: string }> {
  "use server";
  const auth = await authorizeAction(policies.deleteUsers);
  if (!auth.ok) return { error: auth.message }; // e.g. "Requires users:delete permission"
  console.log(`${auth.subject.id} deletes ${String(formData.get("id"))}`);
  return {};
}

// Sign-in links only ever point back into this site.
export const backTo = (candidate: string | null) => sameOriginPath(candidate); // "//evil.example" -> "/"
export const signInLink = signInRedirectPath("/signin", "/admin?tab=users"); // "/signin?callbackUrl=%2Fadmin%3Ftab%3Dusers"
