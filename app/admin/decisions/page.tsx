import type { Metadata } from "next";
import { policies } from "@/lib/access";
import type { DecisionEvent } from "@/lib/authz/decision-log";
import { decisionsFor, readerOf } from "@/lib/decision-log-scope-node";
import { demoUsers } from "@/lib/demo/users";
import { authorize } from "@/lib/authz-node";
import { ActionsBar } from "../../_components/actions-bar";
import { DataTable } from "../../_components/data-table";

export const metadata: Metadata = { title: "Decisions" };
export const dynamic = "force-dynamic";

const emailOf = new Map(demoUsers.map((u) => [u.id, u.email]));
const userLabel = (subject: string | null) =>
  subject === null ? "anonymous" : (emailOf.get(subject) ?? subject);

const one = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.trim() ?? "";

export default async function DecisionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const subject = await authorize(policies.admin, { path: "/admin/decisions" });
  const params = await searchParams;
  const outcome = one(params.outcome);
  const user = one(params.user).toLowerCase();

  let decisions: readonly DecisionEvent[] = [];
  let unavailable = false;
  try {
    decisions = await decisionsFor(subject, 200);
  } catch {
    unavailable = true;
  }
  const shown = decisions.filter(
    (d) =>
      (outcome !== "allow" && outcome !== "deny" ? true : d.outcome === outcome) &&
      (user === "" ||
        userLabel(d.subject).toLowerCase().includes(user) ||
        (d.subject ?? "anonymous").toLowerCase().includes(user)),
  );

  return (
    <>
      <h1>Decisions</h1>
      <p className="lede">
        The latest authorization decisions of every layer (middleware, route handlers, pages and
        server actions), newest first. A user who quotes a request id finds it here.
      </p>
      <p data-testid="decisions-scope">
        {readerOf(subject).operator
          ? "Showing every tenant's decisions (operator)."
          : `Showing the decisions of tenant ${subject.tenant ?? "(none)"} and of the organizations you administer.`}
      </p>
      <form className="toolbar" method="get" aria-label="Filter decisions">
        <div className="field">
          <label htmlFor="outcome">Outcome</label>
          <select id="outcome" name="outcome" defaultValue={outcome || "all"}>
            <option value="all">All</option>
            <option value="allow">Allowed</option>
            <option value="deny">Refused</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="user">User</label>
          <input id="user" name="user" type="text" defaultValue={one(params.user)} />
        </div>
        <button className="button" type="submit">
          Filter
        </button>
      </form>
      {unavailable ? (
        <p className="alert" role="alert">
          The decision log cannot be read right now.
        </p>
      ) : null}
      <section className="panel" aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">
          {shown.length} decision{shown.length === 1 ? "" : "s"}
        </h2>
        <DataTable
          testId="decisions"
          rows={shown}
          rowKey={(d, i) => `${d.requestId}-${d.layer}-${i}`}
          rowData={(d) => ({ "data-outcome": d.outcome })}
          columns={[
            {
              // The time of day; the whole timestamp is in the title (the log keeps recent events).
              header: "Time (UTC)",
              cell: (d) => (
                <time dateTime={d.time} title={d.time}>
                  {d.time.slice(11).replace("Z", "")}
                </time>
              ),
            },
            { header: "Layer", cell: (d) => d.layer },
            { header: "User", cell: (d) => userLabel(d.subject) },
            {
              header: "Path",
              wrap: true,
              cell: (d) => (
                <code>
                  {d.action
                    ? `${d.method} action ${d.action.name ?? d.action.id}`
                    : `${d.method} ${d.path}`}
                  {d.truncated ? " (truncated)" : ""}
                </code>
              ),
            },
            {
              header: "Outcome",
              wrap: true,
              cell: (d) => (
                <>
                  {d.outcome === "allow" ? "allowed" : `refused ${d.status}`}
                  {d.shadow ? ` (shadow ${d.shadow.policy}: ${d.shadow.outcome})` : ""}
                </>
              ),
            },
            { header: "Rule", wrap: true, cell: (d) => d.rule ?? "" },
            { header: "Message", wrap: true, cell: (d) => d.message ?? "" },
            // Whole, never wrapped or cut: it is what a user quotes to support.
            { header: "Request id", cell: (d) => <code>{d.requestId}</code> },
          ]}
        />
      </section>
      <ActionsBar links={[{ href: "/admin", label: "Back to admin" }]} />
    </>
  );
}
