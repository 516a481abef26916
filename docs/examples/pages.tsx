// app/admin/page.tsx: a page file exports only its component (Next refuses other exports, such as
// `authorize`), so the page guard lives in lib/authz-node.ts.
import { policies } from "@/lib/access";
import { authorize } from "@/lib/authz-node";

// Anonymous: redirect to /api/auth/signin?callbackUrl=%2Fadmin. Signed in without the role: forbidden(),
// which renders app/forbidden.tsx with status 403 (experimental.authInterrupts in next.config.ts).
// Every rule of the policy runs: a resource policy takes `load` and returns `{ subject, resource }`,
// and a rate-limited one counts each render.
export default async function AdminPage() {
  const subject = await authorize(policies.admin, { path: "/admin" });
  return <h1>Hello, {subject.name ?? subject.id}</h1>;
}
