"use client";
import { useId, useState } from "react";
import { EndpointCard } from "./endpoint-card";
import { endpoints } from "./endpoints";

/** The grid of endpoint cards and the one switch they share (plain JSON or RFC 9457 bodies). */
export function EndpointConsole() {
  const [problemJson, setProblemJson] = useState(false);
  const headingId = useId();
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
        {endpoints.map((endpoint) => (
          <EndpointCard key={endpoint.id} endpoint={endpoint} problemJson={problemJson} />
        ))}
      </div>
    </section>
  );
}
