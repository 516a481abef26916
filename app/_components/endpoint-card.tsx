"use client";
/**
 * One demo endpoint: a button that calls it from the browser with the session cookie, like any
 * client would, and shows exactly what came back.
 */
import { useId, useRef, useState } from "react";
import {
  describeOutcome,
  endpointUrl,
  ORG_OPTIONS,
  ORG_ROLE_OPTIONS,
  SHOWN_HEADERS,
  statusText,
  statusTone,
  type Endpoint,
  type SelectOption,
} from "./endpoints";

interface CallResult {
  readonly seq: number;
  readonly method: string;
  readonly url: string;
  readonly ms: number;
  readonly status: number;
  readonly statusText: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
  readonly outcome: string;
  /** A same-origin upgrade page named by a plan refusal. */
  readonly upgradeUrl: string | null;
}

type CallState =
  | { readonly kind: "idle" }
  | { readonly kind: "done"; readonly result: CallResult }
  | { readonly kind: "failed"; readonly seq: number; readonly message: string };

function parseBody(text: string, contentType: string): { pretty: string; json: unknown } {
  if (text === "") return { pretty: "(empty body)", json: null };
  if (/json/i.test(contentType)) {
    try {
      const json: unknown = JSON.parse(text);
      return { pretty: JSON.stringify(json, null, 2), json };
    } catch {
      // Shown as it came: a body that claims JSON and is not is worth seeing.
    }
  }
  return { pretty: text, json: null };
}

function upgradeLink(json: unknown): string | null {
  if (typeof json !== "object" || json === null || !("upgrade_url" in json)) return null;
  const url = json.upgrade_url;
  // Only a path on this site becomes a link.
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : null;
}

/**
 * A labelled select of the card's form. `marker` names the empty `data-*` attribute by which the
 * console's tests find it (`select[data-org]`).
 */
function SelectField({
  id,
  label,
  marker,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  marker: "org" | "param" | "role";
  value: string;
  options: readonly SelectOption[];
  onChange: (value: string) => void;
}) {
  const markerAttribute = { [`data-${marker}`]: "" };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        {...markerAttribute}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function EndpointCard({
  endpoint,
  problemJson,
}: {
  endpoint: Endpoint;
  problemJson: boolean;
}) {
  const id = useId();
  const titleId = `${id}-title`;
  const paramId = `${id}-param`;
  const [value, setValue] = useState(
    endpoint.param.kind === "none" ? "" : endpoint.param.defaultValue,
  );
  const [org, setOrg] = useState("acme");
  const [role, setRole] = useState("member");
  const hasOrg = endpoint.path.includes("[org]");
  const [state, setState] = useState<CallState>({ kind: "idle" });
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);

  async function send() {
    // Not `disabled` while busy: disabling the focused button would drop keyboard focus.
    if (busy) return;
    const current = ++seq.current;
    const url = endpointUrl(endpoint, value, org);
    setBusy(true);
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: endpoint.method,
        headers: {
          Accept: problemJson ? "application/problem+json" : "application/json",
          ...(endpoint.body ? { "Content-Type": "application/json" } : {}),
        },
        ...(endpoint.body === "role" ? { body: JSON.stringify({ role }) } : {}),
        cache: "no-store",
        credentials: "same-origin",
      });
      const text = await response.text();
      const contentType = response.headers.get("content-type") ?? "";
      const { pretty, json } = parseBody(text, contentType);
      const headers = SHOWN_HEADERS.flatMap((name) => {
        const v = response.headers.get(name);
        return v === null ? [] : [[name, v] as const];
      });
      setState({
        kind: "done",
        result: {
          seq: current,
          method: endpoint.method,
          url,
          ms: Math.round(performance.now() - started),
          status: response.status,
          statusText: statusText(response.status, response.statusText),
          headers,
          body: pretty,
          outcome: describeOutcome(response.status, json, endpoint.policy),
          upgradeUrl: upgradeLink(json),
        },
      });
    } catch {
      setState({
        kind: "failed",
        seq: current,
        message: "The request did not complete (network error).",
      });
    } finally {
      setBusy(false);
    }
  }

  const param = endpoint.param;
  return (
    <article className="card" aria-labelledby={titleId} data-endpoint={endpoint.id}>
      <h3 className="card__title" id={titleId}>
        <span className={`method method--${endpoint.method.toLowerCase()}`}>{endpoint.method}</span>{" "}
        <code>{endpoint.path}</code>
      </h3>
      <p className="card__policy">
        Policy <code>{endpoint.policy}</code>. {endpoint.summary}
      </p>

      <form
        className="card__controls"
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        {hasOrg ? (
          <SelectField
            id={`${paramId}-org`}
            label="Organization"
            marker="org"
            value={org}
            options={ORG_OPTIONS}
            onChange={setOrg}
          />
        ) : null}
        {param.kind === "text" ? (
          <div className="field">
            <label htmlFor={paramId}>{param.label}</label>
            <input
              id={paramId}
              data-param=""
              type="text"
              value={value}
              onChange={(event) => setValue(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              required
              aria-describedby={`${paramId}-hint`}
            />
            <span className="hint" id={`${paramId}-hint`}>
              {param.hint}
            </span>
          </div>
        ) : null}
        {param.kind === "select" ? (
          <SelectField
            id={paramId}
            label={param.label}
            marker="param"
            value={value}
            options={param.options}
            onChange={setValue}
          />
        ) : null}
        {endpoint.body === "role" ? (
          <SelectField
            id={`${paramId}-role`}
            label="Org role"
            marker="role"
            value={role}
            options={ORG_ROLE_OPTIONS}
            onChange={setRole}
          />
        ) : null}
        <button type="submit" className="button" aria-disabled={busy}>
          {busy ? "Sending…" : "Send request"}
          <span className="visually-hidden">
            {" "}
            {endpoint.method} {endpoint.path}
          </span>
        </button>
      </form>

      <div className="result">
        {/* Announced when it changes: the status and the rule, not the whole body. */}
        <div role="status" aria-live="polite" aria-atomic="true" data-testid="outcome">
          {state.kind === "idle" ? <p className="result__empty">No request sent yet.</p> : null}
          {state.kind === "failed" ? (
            <p className="result__summary">
              <span className="status status--deny">Failed</span> {state.message}
            </p>
          ) : null}
          {state.kind === "done" ? (
            <>
              <p className="result__summary">
                <span
                  className={`status status--${statusTone(state.result.status)}`}
                  data-testid="status"
                >
                  {state.result.status} {state.result.statusText}
                </span>
                <span className="rule" data-testid="rule">
                  {state.result.outcome}
                </span>
              </p>
            </>
          ) : null}
        </div>
        {state.kind === "done" ? (
          <>
            <p className="result__meta" data-testid="meta">
              Call #{state.result.seq}: {state.result.method} <code>{state.result.url}</code> ·{" "}
              {state.result.ms} ms
            </p>
            {state.result.upgradeUrl ? (
              <p className="result__meta">
                <a href={state.result.upgradeUrl}>See the plans ({state.result.upgradeUrl})</a>
              </p>
            ) : null}
            {state.result.headers.length > 0 ? (
              <>
                <h4 className="visually-hidden">Response headers</h4>
                <dl className="headers" data-testid="headers">
                  {state.result.headers.map(([name, headerValue]) => (
                    <div key={name} style={{ display: "contents" }}>
                      <dt>{name}</dt>
                      <dd data-header={name.toLowerCase()}>{headerValue}</dd>
                    </div>
                  ))}
                </dl>
              </>
            ) : null}
            <h4 className="visually-hidden">Response body</h4>
            {/* Focusable: a scrolling region must be reachable by keyboard. */}
            <pre className="body" tabIndex={0} data-testid="body">
              <code>{state.result.body}</code>
            </pre>
          </>
        ) : null}
      </div>
    </article>
  );
}
