import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <div className="narrow">
      <p className="error-code">404 NOT FOUND</p>
      <h1>There is nothing here</h1>
      <p className="lede">The page does not exist, or it is not yours to see.</p>
      <div className="actions">
        <Link className="button" href="/">
          Back to the console
        </Link>
      </div>
    </div>
  );
}
