import type { Metadata } from "next";
import Link from "next/link";
import { publicPage } from "@/lib/authz";

export const metadata: Metadata = { title: "Pricing" };

// The page a "Requires pro plan" refusal points to (`upgrade_url` in lib/access.ts). Static: the
// demo sells nothing, it only shows where such a link would lead.
function PricingPage() {
  return (
    <>
      <h1>Pricing</h1>
      <p className="lede">
        Plans decide features. The report export needs the <strong>export</strong> feature, which
        comes with the pro plan; on the free plan the API answers 403 “Requires pro plan” with a
        link here.
      </p>
      <div className="plans">
        <section className="panel" aria-labelledby="plan-free">
          <h2 id="plan-free">Free</h2>
          <p className="price">$0</p>
          <ul>
            <li>Documents of your tenant</li>
            <li>No report export</li>
          </ul>
          <p>Bob is on this plan.</p>
        </section>
        <section className="panel" aria-labelledby="plan-pro">
          <h2 id="plan-pro">Pro</h2>
          <p className="price">$20 / month</p>
          <ul>
            <li>Everything in Free</li>
            <li>Report export, 5 a minute</li>
          </ul>
          <p>Alice and Carol are on this plan.</p>
        </section>
      </div>
      <p className="actions">
        <Link className="button button--quiet" href="/">
          Back to the console
        </Link>
      </p>
    </>
  );
}

export default publicPage("a static marketing page: no user data", PricingPage);
