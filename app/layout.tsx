import type { Metadata } from "next";
import type { ReactNode } from "react";
import { publicLayout } from "@/lib/authz";
import { SiteHeader } from "./_components/site-header";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "next-authz-kit demo", template: "%s · next-authz-kit demo" },
  description:
    "Sign in as each demo user and see every 401, 403, 404 and 429 the authorization kit answers with.",
};

function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="page" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  );
}

export default publicLayout(
  "the HTML shell and navigation: shows only the visitor's own name and a sign-out",
  RootLayout,
);
