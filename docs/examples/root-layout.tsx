// app/layout.tsx: pages and layouts anyone may see say so, with the reason `authz:report` shows.
// (A layout's check would not guard the pages under it: each page checks in its own body.)
import type { ReactNode } from "react";
import { publicLayout } from "@/lib/authz";

function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

export default publicLayout("the HTML shell: renders no user data", RootLayout);
