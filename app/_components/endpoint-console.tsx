"use client";
import Link from "next/link";
import { useId, useState } from "react";
import { EndpointCard } from "./endpoint-card";
import { endpoints } from "./endpoints";

/** The grid of endpoint cards and the one switch they share (plain JSON or RFC 9457 bodies). */
export function EndpointConsole() {
  const [problemJson, setProblemJson] = useState(false);
  const headingId = useId();
  const orgHeadingId = useId();
  return (
    <section className="section" aria-labelledby={headingId}>
      <div className="section__head">
        <h2 id={headingId}>Endpoints</h2>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={problemJson}
            onChange={(event) => setProblemJson(event.target.checked)}
          />
          {/* One inline span: the label is a flex container, and bare text would become columns. */}
          <span>
            Ask for <code>application/problem+json</code> (RFC 9457)
          </span>
        </label>
      </div>
      <div className="cards">
        {endpoints
          .filter((endpoint) => endpoint.section === "tenant")
          .map((endpoint) => (
            <EndpointCard key={endpoint.id} endpoint={endpoint} problemJson={problemJson} />
          ))}
      </div>
      <h2 className="section__subhead" id={orgHeadingId}>
        Organizations
      </h2>
      <p className="lede">
        The org in the URL is the active one, checked against your memberships on every request:
        dave is a member of acme and an admin of globex at once. Membership changes count on the
        next request. <Link href="/orgs/acme">Open the org pages</Link>.
      </p>
      <div className="cards" aria-labelledby={orgHeadingId} role="region">
        {endpoints
          .filter((endpoint) => endpoint.section === "org")
          .map((endpoint) => (
            <EndpointCard key={endpoint.id} endpoint={endpoint} problemJson={problemJson} />
          ))}
      </div>
    </section>
  );
}
