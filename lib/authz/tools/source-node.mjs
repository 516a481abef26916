// Reading the source: one TypeScript program over every entry's module, and the questions the
// report asks of it through the type checker (which kit call guards an export, with which policy,
// what the middleware's path rules are). The second half of entries-node.mjs.
// @see docs/entry-points.md#what-the-report-reads
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { CannotRun } from "./project-node.mjs";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** The project's own TypeScript compiler. */
export function loadTypeScript(projectDir) {
  try {
    return createRequire(path.join(projectDir, "package.json"))("typescript");
  } catch {
    throw new CannotRun(`cannot load the project's typescript package from ${projectDir}`);
  }
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
export async function kitPathMatcher(ts, kitDir) {
  const file = path.join(kitDir, "decide", "path.ts");
  if (!existsSync(file)) return null;
  return import(kitModuleUrl(ts, file));
}

/** One program over the `roots` modules, with the project's compiler options. */
export function sourceProgram(ts, projectDir, roots) {
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
  return ts.createProgram({ rootNames: [...roots], options: programOptions, host });
}

/** The type-checker questions the report asks of a source file. */
export function createAnalysis(ts, program, checker, kitDir, projectDir) {
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
