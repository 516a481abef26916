// app/admin/page.tsx: a page exports only its component (and Next's own page options).
import { policies } from "./access";
import { authorize } from "./kit";

// Anonymous: redirect to /signin?callbackUrl=%2Fadmin. Signed in without the role: forbidden(),
// which renders app/forbidden.tsx with status 403 (experimental.authInterrupts in next.config.ts).
// Every rule of the policy runs; a policy with a resource rule takes `load` and returns
// `{ subject, resource }`; a rate-limited one counts each render.
export default async function AdminPage() {
  const subject = await authorize(policies.admin, { path: "/admin" });
  return <h1>Hello, {subject.name ?? subject.id}</h1>;
}
