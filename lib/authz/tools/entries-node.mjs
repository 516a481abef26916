// Every entry point a built Next.js App Router app serves (from `.next/` manifests), and what
// guards each (from the source, through the TypeScript type checker): the core of `authz:report`
// (report-node.mjs) and `authz:probe` (probe-node.mjs). Dev-time only; never imported by the app.
// @see docs/entry-points.md#what-the-report-reads
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The tool cannot run (no build, a module it cannot read): one clear line, exit code 2. */
export class CannotRun extends Error {}

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const SOURCE_EXTENSIONS = [".tsx", ".ts", ".jsx", ".js", ".mjs"];
const METADATA =
  /^\/(.*\/)?(favicon\.ico|icon\d*|apple-icon\d*|opengraph-image\d*|twitter-image\d*|sitemap(\.xml)?|robots(\.txt)?|manifest(\.webmanifest|\.json)?)(\/[^/]+)?\/route$/;
const FRAMEWORK_PAGES = {
  "/_not-found/page": { file: "not-found", reason: "Next's not-found page (the 404 answer)" },
  "/_global-error/page": { file: "global-error", reason: "Next's error page (the 500 answer)" },
};

/** The kit's folder: this tool lives in `<kit>/tools/`. */
export const KIT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function readJson(file, what) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CannotRun(`cannot read ${what} (${file}): ${error.code ?? error.message}`);
  }
}

function withExtension(base) {
  for (const ext of SOURCE_EXTENSIONS) if (existsSync(base + ext)) return base + ext;
  return null;
}

/** The project's own TypeScript compiler. */
export function loadTypeScript(projectDir) {
  try {
    return createRequire(path.join(projectDir, "package.json"))("typescript");
  } catch {
    throw new CannotRun(`cannot load the project's typescript package from ${projectDir}`);
  }
}

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
function urlOfDir(appDir, dir) {
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
 * A kit module compiled in memory as a `data:` URL, its relative imports (`./errors`) compiled the
 * same way: a `data:` module cannot resolve a relative specifier itself.
 */
function kitModuleUrl(ts, file) {
  const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const linked = outputText.replace(
    /(from\s*|import\s*)(["'])(\.{1,2}\/[^"']+)\2/g,
    (_, keyword, quote, specifier) =>
      `${keyword}${quote}${kitModuleUrl(ts, path.resolve(path.dirname(file), `${specifier}.ts`))}${quote}`,
  );
  return `data:text/javascript;base64,${Buffer.from(linked).toString("base64")}`;
}

/** The kit's path matcher: `<kit>/decide/path.ts` compiled in memory (with what it imports). */
async function kitPathMatcher(ts, kitDir) {
  const file = path.join(kitDir, "decide", "path.ts");
  if (!existsSync(file)) return null;
  return import(kitModuleUrl(ts, file));
}

/**
 * Reads the build and the sources of the project in `projectDir`.
 *
 * @returns {{ entries: object[], unguarded: object[], middlewareFile: string | null }}
 */
export async function collectEntries({
  projectDir = process.cwd(),
  distDir = ".next",
  kitDir,
} = {}) {
  const started = performance.now();
  const timings = {};
  projectDir = path.resolve(projectDir);
  kitDir = path.resolve(kitDir ?? KIT_DIR);
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

  const ts = loadTypeScript(projectDir);
  timings.typescriptMs = Math.round(performance.now() - started);
  const rel = (file) => path.relative(projectDir, file).split(path.sep).join("/");

  // 1. What the build serves.
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

  // 2. One program over every entry's source, for the type checker.
  const roots = new Set([
    ...planned.filter((p) => p.file).map((p) => p.file),
    ...layoutFiles,
    ...actions.filter((a) => a.file).map((a) => a.file),
    ...(middlewareFile ? [middlewareFile] : []),
  ]);
  const configFile = ts.findConfigFile(projectDir, ts.sys.fileExists, "tsconfig.json");
  let options = { allowJs: true, jsx: ts.JsxEmit.Preserve, strict: true };
  if (configFile) {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configFile,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      },
    );
    if (parsed) options = parsed.options;
  }
  // Only the project's own files: packages (next, react, zod, ...) stay unresolved, so their
  // types are `any`. The report asks about kit calls and policy names, which live in the project;
  // reading hundreds of declaration files would cost seconds for nothing.
  const programOptions = {
    ...options,
    noEmit: true,
    incremental: false,
    skipLibCheck: true,
    types: [],
    lib: ["lib.es2022.d.ts"],
  };
  const host = ts.createCompilerHost(programOptions);
  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, resolutionOptions) =>
    literals.map((literal) => {
      const resolved = ts.resolveModuleName(literal.text, containingFile, resolutionOptions, host);
      const file = resolved.resolvedModule?.resolvedFileName;
      return file && !file.split(path.sep).includes("node_modules")
        ? resolved
        : { resolvedModule: undefined };
    });
  const program = ts.createProgram({ rootNames: [...roots], options: programOptions, host });
  const checker = program.getTypeChecker();
  timings.programMs = Math.round(performance.now() - started);
  const analysis = createAnalysis(ts, program, checker, kitDir, projectDir);

  // 3. Guards.
  const entries = [];
  const pathRules = middlewareFile ? analysis.middlewareRules(middlewareFile) : [];
  const matcher = pathRules.length > 0 ? await kitPathMatcher(ts, kitDir) : null;
  const compiledRules = pathRules.map((rule) => ({
    ...rule,
    pattern: (() => {
      try {
        return matcher?.compilePathPattern(rule.path) ?? null;
      } catch {
        return null;
      }
    })(),
  }));
  const matchers = Object.values(middlewareManifest.middleware ?? {}).flatMap((m) =>
    (m.matchers ?? []).map((x) => new RegExp(x.regexp)),
  );
  const staticMatchers = middlewareFile ? analysis.middlewareMatcherSources(middlewareFile) : null;
  if (matchers.length === 0 && staticMatchers?.length) {
    // A Node.js proxy.ts is not in the middleware manifest: compile its literal `config.matcher`
    // with the path-to-regexp Next itself uses for matchers.
    try {
      const { pathToRegexp } = createRequire(path.join(projectDir, "package.json"))(
        "next/dist/compiled/path-to-regexp",
      );
      for (const source of staticMatchers) matchers.push(pathToRegexp(source));
    } catch {
      throw new CannotRun(`cannot compile the matcher of ${rel(middlewareFile)}`);
    }
  }
  const middlewareFor = (method, urlPattern) => {
    if (compiledRules.length === 0) return [];
    const sample = samplePath(urlPattern);
    // Without any matcher, middleware runs on every path.
    const matched = matchers.length > 0 ? matchers.some((re) => re.test(sample)) : true;
    if (!matched) return [];
    const forms = matcher.pathForms(new URL(sample, "http://localhost"));
    return compiledRules
      .filter(
        (r) =>
          r.pattern?.test(forms) &&
          (r.methods === null ||
            r.methods.includes(method) ||
            (method === "HEAD" && r.methods.includes("GET"))),
      )
      .map(({ path: rulePath, policy, policyRef }) => ({ path: rulePath, policy, policyRef }));
  };
  const describeMiddleware = (rules) =>
    rules.length === 0 ? undefined : rules.map((r) => `${r.policy} (${r.path})`).join(", ");

  const push = (entry) => {
    const m = entry.middlewareRules ?? [];
    entries.push({
      ...entry,
      ...(m.length > 0 ? { middleware: describeMiddleware(m) } : {}),
      middlewareRules: m,
    });
  };

  for (const p of planned) {
    const file = p.file ? rel(p.file) : "(generated by Next)";
    if (p.kind === "metadata") {
      push({
        kind: "route",
        path: p.path,
        method: "GET",
        public: "metadata file (Next convention)",
        file,
        middlewareRules: middlewareFor("GET", p.path),
      });
    } else if (p.kind === "framework") {
      push({
        kind: "page",
        path: p.path,
        public: p.reason,
        file,
        framework: true,
        middlewareRules: [],
      });
    } else if (p.kind === "route") {
      const methods = analysis.routeMethods(p.file);
      if (methods.length === 0)
        throw new CannotRun(`cannot read the exports of ${rel(p.file)} (no HTTP method found)`);
      for (const { method, guard, problem } of methods)
        push({
          kind: "route",
          path: p.path,
          method,
          ...guardFields(guard),
          ...(problem ? { problem } : {}),
          file,
          middlewareRules: middlewareFor(method, p.path),
        });
    } else {
      const { guard, problem } = analysis.renderGuard(p.file);
      let layoutGuard;
      if (!guard || guard.kind !== "policy") {
        for (const layout of layoutsOf(p.file)) {
          const found = analysis.renderGuard(layout).guard;
          if (found?.kind === "policy") {
            layoutGuard = { file: rel(layout), policy: found.policy };
            break;
          }
        }
      }
      push({
        kind: "page",
        path: p.path,
        ...guardFields(guard),
        ...(problem ? { problem } : {}),
        ...(layoutGuard && !guard ? { layoutGuard } : {}),
        file,
        middlewareRules: middlewareFor("GET", p.path),
      });
    }
  }
  for (const layout of [...layoutFiles].sort()) {
    const { guard, problem } = analysis.renderGuard(layout);
    push({
      kind: "layout",
      path: urlOfDir(appDir, path.dirname(layout)),
      ...guardFields(guard),
      ...(problem ? { problem } : {}),
      file: rel(layout),
      middlewareRules: [],
    });
  }
  for (const a of actions.sort(
    (x, y) =>
      (x.file ?? "").localeCompare(y.file ?? "") ||
      String(x.exportedName).localeCompare(String(y.exportedName)),
  )) {
    const found = a.file
      ? analysis.actionGuard(a.file, a.exportedName)
      : {
          guard: null,
          problem: oldNext
            ? `the build names no source module (Next ${nextVersion} is before 15.5)`
            : "the build names no source module",
        };
    const page = a.pages[0] ?? null;
    push({
      kind: "action",
      path: page ?? "(no page)",
      method: "POST",
      actionId: a.id,
      ...guardFields(found.guard),
      ...(found.problem ? { problem: found.problem } : {}),
      file: a.file ? `${rel(a.file)}#${a.exportedName}` : "(unknown)",
      pages: a.pages,
      ...(found.unused ? { unused: true } : {}),
      middlewareRules: page ? middlewareFor("POST", page) : [],
    });
  }

  const unguarded = entries.filter(isUnguarded).map((e) => ({
    kind: e.kind,
    path: e.path,
    ...(e.method ? { method: e.method } : {}),
    ...(e.actionId ? { actionId: e.actionId } : {}),
    file: e.file,
    reason: whyUnguarded(e),
  }));
  timings.totalMs = Math.round(performance.now() - started);
  return {
    entries,
    unguarded,
    notes,
    middlewareFile: middlewareFile ? rel(middlewareFile) : null,
    timings,
  };
}

function guardFields(guard) {
  if (!guard) return {};
  if (guard.kind === "public") return { public: guard.reason };
  return {
    policy: guard.policy,
    ...(guard.policyRef ? { policyRef: guard.policyRef } : {}),
    ...(guard.accepts ? { accepts: guard.accepts } : {}),
  };
}

/**
 * The credential kinds an entry with a policy takes, or null when unknown (no policy, or one whose
 * `accepts` neither the probe's loaded value nor the source's types name). Pages, layouts and
 * server actions take sessions only, as the kit decides them. The report, the probe and
 * docs/access.md all ask this.
 */
export function acceptedKinds(entry) {
  if (!entry.policy) return null;
  const accepts = entry.policyValue?.credentials?.accepts ?? entry.accepts ?? null;
  if (!accepts) return null;
  return entry.kind === "route" ? [...accepts] : accepts.filter((kind) => kind === "session");
}

/**
 * Whether a reason says nothing: empty, spaces, or invisible characters only (a zero-width space
 * passes `publicRoute`'s own definition check, which refuses plain blanks at build time).
 */
export function isBlankReason(reason) {
  return typeof reason !== "string" || /^[\s\p{Cf}]*$/u.test(reason);
}

/** Neither a policy nor a public reason that says something. */
export function isUnguarded(entry) {
  if (entry.policy) return false;
  return isBlankReason(entry.public);
}

function whyUnguarded(e) {
  if (typeof e.public === "string") return "declared public with a blank reason";
  const parts = [];
  if (e.problem) parts.push(e.problem);
  else if (e.kind === "route")
    parts.push("route handler export neither wrapped by withAuthorization nor publicRoute(reason)");
  else if (e.kind === "action")
    parts.push(
      "server action without a check (withAuthorizationAction, publicAction or authorizeAction in its body)",
    );
  else
    parts.push(
      `${e.kind} without a check of its own (authorize() or a page wrapper, or ${e.kind === "layout" ? "publicLayout" : "publicPage"}(reason))`,
    );
  if (e.layoutGuard)
    parts.push(
      `guarded only by its layout ${e.layoutGuard.file} (policy ${e.layoutGuard.policy}): layouts do not re-run on client navigation`,
    );
  if (e.unused) parts.push("exported but used by no page: still callable by its id");
  return parts.join("; ");
}

/** The type-checker questions the report asks of a source file. */
function createAnalysis(ts, program, checker, kitDir, projectDir) {
  const inKit = (file) => path.resolve(file).startsWith(kitDir + path.sep);
  const sourceOf = (file) => {
    const sf = program.getSourceFile(file);
    if (!sf) throw new CannotRun(`cannot read module ${path.relative(projectDir, file)}`);
    return sf;
  };
  const resolveAlias = (symbol) =>
    symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const unwrap = (node) => {
    while (
      node &&
      (ts.isParenthesizedExpression(node) ||
        ts.isAsExpression(node) ||
        ts.isSatisfiesExpression?.(node) ||
        ts.isNonNullExpression(node) ||
        ts.isAwaitExpression(node) ||
        ts.isTypeAssertionExpression(node))
    )
      node = node.expression;
    return node;
  };

  /** The kit declaration a call resolves to: its name and whether it marks something public. */
  function kitCallee(call) {
    const signature = checker.getResolvedSignature(call);
    const decl = signature?.getDeclaration?.() ?? signature?.declaration;
    if (!decl || !inKit(decl.getSourceFile().fileName)) return null;
    let named = decl;
    while (named && !named.name && named.parent) named = named.parent;
    const name = named?.name?.getText?.() ?? "";
    return { name, isPublic: /^public[A-Z]/.test(name) };
  }

  /** A policy argument: its name from the type, and where its value lives (for the probe). */
  function policyOf(arg) {
    if (!arg) return null;
    const type = checker.getTypeAtLocation(arg);
    const rules = type.getProperty("rules");
    if (!rules || !type.getProperty("checkSubject")) return null;
    const rulesType = checker.getTypeOfSymbolAtLocation(rules, arg);
    const nameSymbol = rulesType.getProperty("name");
    let policy = "policy";
    if (nameSymbol) {
      const nameType = checker.getTypeOfSymbolAtLocation(nameSymbol, arg);
      policy = nameType.isStringLiteral() ? nameType.value : arg.getText();
    }
    return {
      kind: "policy",
      policy,
      policyRef: valueRef(arg),
      accepts: acceptsOf(checker.getTypeOfSymbolAtLocation(rules, arg), arg),
    };
  }

  /**
   * The credential kinds a policy's rules type names (`access.policy` keeps `accepts` as a tuple
   * of literals): `["session"]` when it has none, null when the type does not say (a plain
   * `string[]` variable).
   */
  function acceptsOf(rulesType, at) {
    const symbol = rulesType.getProperty("accepts");
    if (!symbol) return ["session"];
    const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(symbol, at));
    if (!checker.isTupleType(type)) return null;
    const kinds = checker.getTypeArguments(type).map((t) => (t.isStringLiteral() ? t.value : null));
    return kinds.includes(null) ? null : kinds;
  }

  /** `policies.admin` imported from lib/access.ts → { file: "lib/access.ts", path: ["policies", "admin"] }. */
  function valueRef(expr) {
    const chain = [];
    let node = unwrap(expr);
    while (ts.isPropertyAccessExpression(node)) {
      chain.unshift(node.name.text);
      node = unwrap(node.expression);
    }
    if (!ts.isIdentifier(node)) return null;
    const symbol = resolveAlias(checker.getSymbolAtLocation(node));
    const decl = symbol?.valueDeclaration;
    if (!decl || !ts.isVariableDeclaration(decl)) return null;
    const statement = decl.parent?.parent;
    const exported =
      statement &&
      ts.isVariableStatement(statement) &&
      statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported || !ts.isIdentifier(decl.name)) return null;
    return {
      file: path.relative(projectDir, decl.getSourceFile().fileName).split(path.sep).join("/"),
      path: [decl.name.text, ...chain],
    };
  }

  function stringValue(arg) {
    if (!arg) return null;
    if (ts.isStringLiteralLike(arg)) return arg.text;
    const type = checker.getTypeAtLocation(arg);
    return type.isStringLiteral() ? type.value : null;
  }

  /** A guard made by a kit call: `withAuthorization(policy, ...)`, `publicRoute(reason, ...)`, ... */
  function guardOfCall(call) {
    const callee = kitCallee(call);
    if (!callee) return null;
    if (callee.isPublic) {
      const reason = stringValue(call.arguments[0]);
      return {
        kind: "public",
        reason: reason ?? `(computed: ${call.arguments[0]?.getText() ?? ""})`,
      };
    }
    return policyOf(call.arguments[0]);
  }

  /** Kit calls with a policy in a function's own body (nested functions are not this one's check). */
  function bodyGuard(fn) {
    let found = null;
    const visit = (node) => {
      if (found) return;
      if (node !== fn && ts.isFunctionLike(node)) return;
      if (ts.isCallExpression(node)) {
        const guard = guardOfCall(node);
        if (guard?.kind === "policy") {
          found = guard;
          return;
        }
      }
      ts.forEachChild(node, visit);
    };
    if (fn.body) visit(fn.body);
    return found;
  }

  const isFunctionNode = (node) =>
    node &&
    (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node));

  /**
   * What guards a value: a kit call (wrapper or public mark), or, with `bodies`, a function whose
   * body calls the kit with a policy. Follows identifiers and re-exports to their declaration.
   */
  function guardOfValue(node, bodies, seen = new Set()) {
    node = unwrap(node);
    if (!node || seen.has(node)) return { guard: null };
    seen.add(node);
    if (ts.isCallExpression(node)) {
      const guard = guardOfCall(node);
      if (guard) return { guard };
      return { guard: null, problem: `\`${node.expression.getText()}(...)\` is not a kit guard` };
    }
    if (isFunctionNode(node)) {
      if (!bodies) return { guard: null, problem: "a plain function cannot carry a guard mark" };
      return { guard: bodyGuard(node) };
    }
    if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
      const symbol = resolveAlias(
        checker.getSymbolAtLocation(ts.isIdentifier(node) ? node : node.name),
      );
      return guardOfSymbol(symbol, bodies, seen);
    }
    return { guard: null };
  }

  function guardOfSymbol(symbol, bodies, seen = new Set()) {
    symbol = resolveAlias(symbol);
    const decl = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (!decl) return { guard: null, problem: "its declaration cannot be found" };
    if (ts.isFunctionDeclaration(decl))
      return bodies
        ? { guard: bodyGuard(decl) }
        : { guard: null, problem: "a plain function cannot carry a guard mark" };
    if (ts.isVariableDeclaration(decl)) return guardOfValue(decl.initializer, bodies, seen);
    if (ts.isExportAssignment(decl)) return guardOfValue(decl.expression, bodies, seen);
    if (ts.isBindingElement(decl))
      return {
        guard: null,
        problem: "destructured from another object: no guard the report can see",
      };
    return { guard: null };
  }

  function exportsOf(file) {
    const sf = sourceOf(file);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    return moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
  }

  function routeMethods(file) {
    return exportsOf(file)
      .filter((s) => METHODS.includes(s.name))
      .map((s) => ({ method: s.name, ...guardOfSymbol(s, false) }));
  }

  function renderGuard(file) {
    const def = exportsOf(file).find((s) => s.name === "default");
    if (!def) return { guard: null, problem: "no default export" };
    return guardOfSymbol(def, true);
  }

  /**
   * Whether any project file other than the declaring one names `symbol` (an import counts). Only
   * identifiers spelt like the export are resolved: asking the checker about every identifier of
   * every file would cost seconds.
   */
  function isReferencedOutside(symbol, declaringFile) {
    const spelling = symbol.name;
    for (const sf of program.getSourceFiles()) {
      if (sf.isDeclarationFile || sf.fileName.split("/").includes("node_modules")) continue;
      if (path.resolve(sf.fileName) === path.resolve(declaringFile)) continue;
      if (!sf.text.includes(spelling)) continue;
      let hit = false;
      const visit = (node) => {
        if (hit) return;
        if (ts.isIdentifier(node) && node.text === spelling) {
          const s = checker.getSymbolAtLocation(node);
          if (s && resolveAlias(s) === symbol) {
            hit = true;
            return;
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
      if (hit) return true;
    }
    return false;
  }

  function actionGuard(file, exportedName) {
    if (exportedName === null)
      return { guard: null, problem: "the build names no export for this action" };
    if (exportedName.startsWith("$$RSC_SERVER_ACTION_")) {
      // Inline "use server" functions, numbered in source order by Next's compiler.
      const index = Number(exportedName.slice("$$RSC_SERVER_ACTION_".length));
      const inline = [];
      const visit = (node) => {
        if (isFunctionNode(node) && node.body && ts.isBlock(node.body)) {
          const first = node.body.statements[0];
          if (
            first &&
            ts.isExpressionStatement(first) &&
            ts.isStringLiteral(first.expression) &&
            first.expression.text === "use server"
          )
            inline.push(node);
        }
        ts.forEachChild(node, visit);
      };
      visit(sourceOf(file));
      const fn = inline[index];
      if (!fn) return { guard: null, problem: "an inline server action the report cannot locate" };
      return {
        guard: bodyGuard(fn),
        problem: 'an inline "use server" function without a check in its body',
      };
    }
    const symbol = exportsOf(file).find((s) => s.name === exportedName);
    if (!symbol) return { guard: null, problem: `no export ${exportedName} in the module` };
    const found = guardOfSymbol(symbol, true);
    const unused = !isReferencedOutside(resolveAlias(symbol), file);
    return { ...found, unused };
  }

  /** The path rules middleware.ts passes to the kit's `authorizationMiddleware(authz, { rules })`. */
  function middlewareRules(file) {
    const sf = sourceOf(file);
    let rulesExpr = null;
    const visit = (node) => {
      if (rulesExpr) return;
      if (ts.isCallExpression(node)) {
        const callee = kitCallee(node);
        const options = unwrap(node.arguments[1]);
        if (callee && options && ts.isObjectLiteralExpression(options)) {
          const prop = options.properties.find((p) => p.name && p.name.getText() === "rules");
          if (prop && ts.isPropertyAssignment(prop)) rulesExpr = prop.initializer;
          else if (prop && ts.isShorthandPropertyAssignment(prop)) rulesExpr = prop.name;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    const array = arrayOfRules(rulesExpr, new Set());
    if (!array) return [];
    return array.elements.flatMap((element) => {
      const obj = unwrap(element);
      if (!ts.isObjectLiteralExpression(obj)) return [];
      const get = (name) => {
        const p = obj.properties.find((x) => x.name && x.name.getText() === name);
        return p && ts.isPropertyAssignment(p)
          ? p.initializer
          : p && ts.isShorthandPropertyAssignment(p)
            ? p.name
            : null;
      };
      const rulePath = stringValue(get("path"));
      const policy = policyOf(get("policy"));
      const methodsNode = unwrap(get("methods"));
      const methods =
        methodsNode && ts.isArrayLiteralExpression(methodsNode)
          ? methodsNode.elements.map((m) => stringValue(m)).filter(Boolean)
          : null;
      if (!rulePath || !policy) return [];
      return [{ path: rulePath, policy: policy.policy, policyRef: policy.policyRef, methods }];
    });
  }

  function arrayOfRules(expr, seen) {
    expr = unwrap(expr);
    if (!expr || seen.has(expr)) return null;
    seen.add(expr);
    if (ts.isArrayLiteralExpression(expr)) return expr;
    if (ts.isCallExpression(expr)) return arrayOfRules(expr.arguments[0], seen);
    if (ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr)) {
      // `{ rules }` names the property; the rules are the variable it is short for.
      const symbol = resolveAlias(
        ts.isIdentifier(expr) && ts.isShorthandPropertyAssignment(expr.parent)
          ? checker.getShorthandAssignmentValueSymbol(expr.parent)
          : checker.getSymbolAtLocation(ts.isIdentifier(expr) ? expr : expr.name),
      );
      const decl = symbol?.valueDeclaration;
      if (decl && (ts.isVariableDeclaration(decl) || ts.isPropertyAssignment(decl)))
        return arrayOfRules(decl.initializer, seen);
    }
    return null;
  }

  /** The literal `config.matcher` sources of middleware.ts / proxy.ts, or null when absent. */
  function middlewareMatcherSources(file) {
    const config = exportsOf(file).find((s) => s.name === "config");
    const decl = resolveAlias(config)?.valueDeclaration;
    const init = decl && ts.isVariableDeclaration(decl) ? unwrap(decl.initializer) : null;
    if (!init || !ts.isObjectLiteralExpression(init)) return null;
    const prop = init.properties.find((p) => p.name?.getText() === "matcher");
    if (!prop || !ts.isPropertyAssignment(prop)) return null;
    const value = unwrap(prop.initializer);
    const items = ts.isArrayLiteralExpression(value) ? value.elements : [value];
    return items.map((i) => stringValue(i)).filter(Boolean);
  }

  return { routeMethods, renderGuard, actionGuard, middlewareRules, middlewareMatcherSources };
}
