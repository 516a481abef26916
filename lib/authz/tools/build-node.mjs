// Reading the build: what a built Next.js App Router app serves, from its `.next/` manifests
// (route handlers, pages, their layouts, server actions and their modules, the middleware), and
// the Next version when it explains a gap. The first half of entries-node.mjs.
// @see docs/entry-points.md#what-the-report-reads
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { CannotRun, readJson, withExtension } from "./project-node.mjs";

const METADATA =
  /^\/(.*\/)?(favicon\.ico|icon\d*|apple-icon\d*|opengraph-image\d*|twitter-image\d*|sitemap(\.xml)?|robots(\.txt)?|manifest(\.webmanifest|\.json)?)(\/[^/]+)?\/route$/;
const FRAMEWORK_PAGES = {
  "/_not-found/page": { file: "not-found", reason: "Next's not-found page (the 404 answer)" },
  "/_global-error/page": { file: "global-error", reason: "Next's error page (the 500 answer)" },
};

/** The project's own Next version (its `next/package.json`), or null when it cannot be read. */
export function nextVersionOf(projectDir) {
  try {
    const require = createRequire(path.join(projectDir, "package.json"));
    const { version } = JSON.parse(readFileSync(require.resolve("next/package.json"), "utf8"));
    return typeof version === "string" ? version : null;
  } catch {
    return null;
  }
}

/**
 * Whether a Next version is too old to name a server action's source module in its build: Next
 * writes `filename` into server-reference-manifest.json from 15.5 on. Unknown versions are not
 * blamed (false).
 */
export function namesNoActionSource(version) {
  const match = /^(\d+)\.(\d+)\./.exec(version ?? "");
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < 15 || (major === 15 && minor < 5);
}

/** The one line that says the Next version is why actions cannot be attributed. */
export function actionSourceNote(version) {
  return `Next ${version} does not name a server action's source module in its build (Next 15.5 and later do), so no action can be matched to its guard: upgrade next to 15.5 or later.`;
}

/** A URL path for a route's segments: route groups and slots are not part of it. */
export function urlOfDir(appDir, dir) {
  const segments = path
    .relative(appDir, dir)
    .split(path.sep)
    .filter((s) => s !== "" && !/^\(.*\)$/.test(s) && !s.startsWith("@"));
  return `/${segments.join("/")}`;
}

/** A concrete URL path for a route pattern: each dynamic segment gets a value no data has. */
export function samplePath(pattern, value = "authz-probe") {
  return (
    pattern
      .split("/")
      .map((s) => (/^\[\[\.\.\..+\]\]$/.test(s) ? "" : /^\[.+\]$/.test(s) ? value : s))
      .filter((s, i) => i === 0 || s !== "")
      .join("/") || "/"
  );
}

/**
 * The manifests of the build in `distDir`, with the project's app folder; no build, no app folder
 * or an unreadable manifest stops the tool.
 */
export function readManifests(projectDir, distDir) {
  const dist = path.resolve(projectDir, distDir);
  if (!existsSync(path.join(dist, "BUILD_ID")))
    throw new CannotRun(`no build in ${dist}: run \`next build\` first`);
  const appDir = ["app", "src/app"].map((d) => path.join(projectDir, d)).find((d) => existsSync(d));
  if (!appDir) throw new CannotRun(`no app/ or src/app/ folder in ${projectDir}`);

  const appPaths = readJson(
    path.join(dist, "server/app-paths-manifest.json"),
    "the app paths manifest",
  );
  const routePaths = readJson(
    path.join(dist, "app-path-routes-manifest.json"),
    "the app path routes manifest",
  );
  const referenceFile = path.join(dist, "server/server-reference-manifest.json");
  const references = existsSync(referenceFile)
    ? readJson(referenceFile, "the server reference manifest")
    : { node: {}, edge: {} };
  const middlewareManifestFile = path.join(dist, "server/middleware-manifest.json");
  const middlewareManifest = existsSync(middlewareManifestFile)
    ? readJson(middlewareManifestFile, "the middleware manifest")
    : { middleware: {} };
  return { dist, appDir, appPaths, routePaths, references, middlewareManifest };
}

/**
 * What the build serves, each with its source module: route handlers, pages (and the layouts above
 * them), server actions, and the middleware file; `notes` says when the Next version hides an
 * action's module.
 */
export function servedEntries(projectDir, { dist, appDir, appPaths, routePaths, references }) {
  const rel = (file) => path.relative(projectDir, file).split(path.sep).join("/");

  const planned = [];
  for (const key of Object.keys(appPaths).sort()) {
    const url = routePaths[key] ?? key.replace(/\/(page|route)$/, "") ?? "/";
    if (key.endsWith("/route")) {
      if (METADATA.test(key)) {
        planned.push({ kind: "metadata", key, path: url, file: null });
        continue;
      }
      const file = withExtension(path.join(appDir, key.slice(1)));
      if (!file) throw new CannotRun(`cannot find the source of ${key} under ${rel(appDir)}`);
      planned.push({ kind: "route", key, path: url, file });
    } else if (key.endsWith("/page")) {
      const framework = FRAMEWORK_PAGES[key];
      if (framework) {
        const file = withExtension(path.join(appDir, framework.file));
        planned.push({ kind: "framework", key, path: url, file, reason: framework.reason });
        continue;
      }
      const file = withExtension(path.join(appDir, key.slice(1)));
      if (!file) throw new CannotRun(`cannot find the source of ${key} under ${rel(appDir)}`);
      planned.push({ kind: "page", key, path: url, file });
    }
  }
  const layoutsOf = (pageFile) => {
    const found = [];
    for (let dir = path.dirname(pageFile); ; dir = path.dirname(dir)) {
      const layout = withExtension(path.join(dir, "layout"));
      if (layout) found.push(layout);
      if (dir === appDir || !dir.startsWith(appDir)) break;
    }
    return found; // nearest first
  };
  const layoutFiles = new Set();
  for (const p of planned)
    if (p.kind === "page") for (const l of layoutsOf(p.file)) layoutFiles.add(l);

  const serverFiles = path.join(dist, "required-server-files.json");
  const buildConfig = existsSync(serverFiles)
    ? (readJson(serverFiles, "the required server files").config ?? {})
    : {};
  const sourceRoots = [
    projectDir,
    buildConfig.turbopack?.root,
    buildConfig.outputFileTracingRoot,
  ].filter((r) => typeof r === "string");
  const actions = [];
  for (const [runtime, table] of [
    ["node", references.node ?? {}],
    ["edge", references.edge ?? {}],
  ]) {
    for (const [id, info] of Object.entries(table)) {
      const workers = Object.keys(info.workers ?? {});
      const pages = workers
        .map((w) => routePaths[`/${w.replace(/^app\//, "")}`] ?? null)
        .filter((p) => p !== null)
        .sort();
      // The build names the module relative to the bundler's root, which may be above the project.
      const file = info.filename
        ? (sourceRoots.map((r) => path.resolve(r, info.filename)).find((f) => existsSync(f)) ??
          null)
        : null;
      if (info.filename && !file)
        throw new CannotRun(`cannot find the source of server action ${id}: ${info.filename}`);
      actions.push({ id, runtime, file, exportedName: info.exportedName ?? null, pages });
    }
  }

  // Next before 15.5 names no action's module: say that the version is why, not only that it is so.
  const nextVersion = actions.some((a) => !a.file) ? nextVersionOf(projectDir) : null;
  const oldNext = namesNoActionSource(nextVersion);
  const notes = oldNext ? [actionSourceNote(nextVersion)] : [];

  const middlewareFile =
    ["middleware", "proxy", "src/middleware", "src/proxy"]
      .map((f) => withExtension(path.join(projectDir, f)))
      .find(Boolean) ?? null;

  return { planned, layoutsOf, layoutFiles, actions, nextVersion, oldNext, notes, middlewareFile };
}
