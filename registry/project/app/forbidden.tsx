import Link from "next/link";

// Rendered with status 403 by forbidden(): from app/403/page.tsx (middleware's rewrite target) and
// from authorize() in a page, for a signed-in user without permission.
export default function Forbidden() {
  return (
    <main>
      <h1>403: you don’t have access to this page</h1>
      <p>You are signed in, but your account lacks the permission this page needs.</p>
      <Link href="/">Back home</Link>
    </main>
  );
}
