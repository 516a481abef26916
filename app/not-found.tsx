import type { Metadata } from "next";
import { ActionsBar } from "./_components/actions-bar";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <div className="narrow">
      <p className="error-code">404 NOT FOUND</p>
      <h1>There is nothing here</h1>
      <p className="lede">The page does not exist, or it is not yours to see.</p>
      <ActionsBar links={[{ href: "/", label: "Back to the console", primary: true }]} />
    </div>
  );
}
