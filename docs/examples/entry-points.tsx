// Pages and layouts anyone may see say so, with the reason `npm run authz:report` shows. Everything
// else checks access in its own body: a layout's check does not guard the pages under it.
import type { ReactNode } from "react";
import { publicLayout, publicPage } from "@/lib/authz";

function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
export const Layout = publicLayout("the HTML shell: renders no user data", RootLayout);

export const PricingPage = publicPage("marketing page: no user data", function Pricing() {
  return <h1>Pricing</h1>;
});
// In app/pricing/page.tsx: export default publicPage("marketing page: no user data", Pricing);
