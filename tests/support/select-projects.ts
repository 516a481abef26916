import { isCI } from "../../scripts/ci.mjs";

/**
 * The projects an environment variable (e.g. COPY_PROJECTS=a,c) narrows a slow test to, for a quick
 * look. It says which projects it drops, they count as skipped tests, and under CI it is refused: CI
 * proves every project. `extraIds` are more accepted names that select no project (e.g. `none`).
 */
export function selectProjects<P extends { readonly id: string; readonly title: string }>(
  variable: string,
  projects: readonly P[],
  extraIds: readonly string[] = [],
): { selected: P[]; dropped: P[] } {
  const list = process.env[variable];
  if (list === undefined) return { selected: [...projects], dropped: [] };
  const ids = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !projects.some((p) => p.id === id) && !extraIds.includes(id));
  if (unknown.length > 0)
    throw new Error(
      `${variable} names no project ${unknown.join(", ")} (known: ${projects.map((p) => p.id).join(", ")})`,
    );
  const dropped = projects.filter((p) => !ids.includes(p.id));
  if (dropped.length > 0 && isCI())
    throw new Error(
      `${variable}=${list} would drop ${dropped.map((p) => p.id).join(", ")}: refused under CI, which runs every project`,
    );
  if (dropped.length > 0)
    console.warn(
      `${variable}=${list}: SKIPPING ${dropped.map((p) => `${p.id} (${p.title})`).join("; ")}`,
    );
  return { selected: projects.filter((p) => ids.includes(p.id)), dropped };
}
