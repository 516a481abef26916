// Printing what the entry-point tools found: the report's table and JSON shape, the probe's matrix.
import { acceptedKinds, isBlankReason } from "./entries-node.mjs";
import { PROGRAM_KINDS } from "./expect-node.mjs";

/** The JSON shape: internal fields (where a policy's value lives) stay out. */
export function publicShape({ entries, unguarded, notes = [] }) {
  return {
    entries: entries.map((e) => {
      const out = { kind: e.kind, path: e.path };
      if (e.method && e.kind !== "page") out.method = e.method;
      if (e.actionId) out.actionId = e.actionId;
      if (e.policy) out.policy = e.policy;
      // The credential kinds it takes; null when the source's types do not say.
      if (e.policy) out.accepts = acceptedKinds(e);
      if (e.public !== undefined) out.public = e.public;
      if (e.middleware) out.middleware = e.middleware;
      out.file = e.file;
      if (e.pages) out.pages = e.pages;
      if (e.unused) out.unused = true;
      if (e.layoutGuard) out.layoutGuard = e.layoutGuard;
      return out;
    }),
    unguarded,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r) =>
      r.map((c, i) => (i === r.length - 1 ? String(c) : String(c).padEnd(widths[i]))).join("  "),
    )
    .join("\n");
}

/** The human-readable report. */
export function formatReport(result) {
  const { entries, unguarded, notes = [] } = result;
  const rows = [["KIND", "METHOD", "PATH", "GUARD", "ACCEPTS", "MIDDLEWARE", "FILE"]];
  for (const e of entries) {
    const guard = e.policy
      ? `policy ${e.policy}`
      : e.public !== undefined && !isBlankReason(e.public)
        ? `public: ${e.public}`
        : "UNGUARDED";
    rows.push([
      e.kind,
      e.kind === "page" || e.kind === "layout" ? "" : (e.method ?? ""),
      e.actionId ? `${e.path} [action ${e.actionId}]` : e.path,
      guard,
      e.policy ? (acceptedKinds(e)?.join(",") ?? "?") : "-",
      e.middleware ?? "-",
      e.file + (e.unused ? " (used by no page)" : ""),
    ]);
  }
  const lines = [table(rows), "", ...notes.map((note) => `Note: ${note}`)];
  if (unguarded.length === 0) {
    lines.push(
      `${entries.length} entry points: every one guarded by a policy or public with a reason.`,
    );
  } else {
    lines.push(
      `${unguarded.length} of ${entries.length} entry points have neither a policy nor a public reason:`,
    );
    for (const u of unguarded)
      lines.push(
        `  ${u.kind} ${u.method && u.kind !== "page" && u.kind !== "layout" ? `${u.method} ` : ""}${u.path}${u.actionId ? ` [action ${u.actionId}]` : ""} (${u.file}): ${u.reason}`,
      );
  }
  return lines.join("\n");
}

/** How a probed row reads in the matrix: the entry, and how it was called. */
export function label(row) {
  const e = row.entry;
  if (e.kind === "action")
    return `action ${e.file} [${e.actionId.slice(0, 10)}…] via POST ${e.path}`;
  if (e.kind === "page")
    return `page ${e.path}${row.variant === "navigation" ? " (client navigation)" : ""}`;
  return `${e.method} ${e.path}`;
}

/** The probe's matrix: one row per entry, one column per caller, ✗ where the answer differs. */
export function formatMatrix(rows, callers, least, programs, hooked) {
  const header = ["ENTRY", ...callers.map((c) => c.label)];
  const lines = [header];
  for (const row of rows) {
    lines.push([
      label(row),
      ...callers.map((c) => {
        const cell = row.cells.get(c.label);
        if (!cell) return "·";
        return cell.ok ? cell.observed : `${cell.observed} ✗ (want ${cell.expected})`;
      }),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  const body = lines
    .map((l) =>
      l
        .map((c, i) => String(c).padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
  const missing = PROGRAM_KINDS.filter((k) => !programs.some((p) => p.kind === k));
  const credentialsLine = !hooked
    ? "routes are not called with bearer tokens or API keys (no --credentials hook)"
    : `guarded routes are called with ${programs.map((p) => p.label).join(" and ") || "no credential"}${missing.length > 0 ? `; the hook mints no ${missing.join(" or ")} for any user` : ""}`;
  return `${body}\n\nactions are called anonymously and as the least privileged user (${least?.label ?? "none"}); ${credentialsLine}; · = not called`;
}
