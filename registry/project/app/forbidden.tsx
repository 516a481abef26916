// app/forbidden.tsx: the 403 page's look. Next renders it, with status 403, wherever forbidden()
// runs: authorize() in a page, and app/403/page.tsx (middleware's rewrite target).
import Link from "next/link";

export default function Forbidden() {
  return (
    <main>
      <h1>403: you don’t have access to this page</h1>
      <p>You are signed in, but your account lacks the permission this page needs.</p>
      <Link href="/">Back home</Link>
    </main>
  );
}
