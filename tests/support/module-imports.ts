/**
 * The one import scanner of the test suite: every module a TypeScript source refers to, read with
 * TypeScript's own parser (comments, strings and JSDoc examples are not imports), and the local
 * files those references resolve to. The kit's import rules, the Edge import graph and the cycle
 * check all use it, and tests/unit/module-imports.test.ts proves it on crafted sources first, so a
 * scan that silently finds nothing cannot pass for a clean tree.
 */
import { existsSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";

/** One module reference found in a source. */
export interface ModuleReference {
  readonly specifier: string;
  /** 1-based line of the reference. */
  readonly line: number;
  readonly kind: "import" | "export" | "dynamic import" | "require" | "import type" | "import =";
  /** Erased at compile time (`import type`, `import { type A }`, `export type`, `import("x").T`). */
  readonly typeOnly: boolean;
}

const scriptKind = (fileName: string) =>
  fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;

function importIsTypeOnly(clause: ts.ImportClause | undefined): boolean {
  if (clause === undefined) return false; // `import "x"` runs x
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

function exportIsTypeOnly(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    clause !== undefined &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((e) => e.isTypeOnly)
  );
}

/**
 * Every module a source refers to: static and type-only imports, `export ... from`, `import()`
 * (also in type positions), `import x = require()` and `require()`. A specifier named by a top-level
 * `const` holding a string literal (a lazy `import(NAME)` TypeScript does not resolve) counts as
 * that literal; other non-literal dynamic imports are reported with the specifier `<non-literal>`.
 */
export function moduleReferences(fileName: string, text: string): ModuleReference[] {
  const source = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    scriptKind(fileName),
  );
  const found: ModuleReference[] = [];
  const constants = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    if (!(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of statement.declarationList.declarations)
      if (ts.isIdentifier(d.name) && d.initializer && ts.isStringLiteralLike(d.initializer))
        constants.set(d.name.text, d.initializer.text);
  }
  const add = (
    node: ts.Node,
    expr: ts.Node | undefined,
    kind: ModuleReference["kind"],
    typeOnly: boolean,
  ) => {
    const specifier =
      expr && ts.isStringLiteralLike(expr)
        ? expr.text
        : expr && ts.isIdentifier(expr)
          ? (constants.get(expr.text) ?? "<non-literal>")
          : "<non-literal>";
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ specifier, kind, line, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const typeOnly = importIsTypeOnly(node.importClause);
      add(
        node,
        node.moduleSpecifier,
        node.importClause?.isTypeOnly ? "import type" : "import",
        typeOnly,
      );
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.moduleSpecifier, "export", exportIsTypeOnly(node));
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      add(node, node.moduleReference.expression, "import =", node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      add(node, ts.isLiteralTypeNode(arg) ? arg.literal : undefined, "import type", true);
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword)
        add(node, node.arguments[0], "dynamic import", false);
      else if (ts.isIdentifier(node.expression) && node.expression.text === "require")
        add(node, node.arguments[0], "require", false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names: `next/server` → `next`, `@scope/pkg/x` → `@scope/pkg`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

const NODE_BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith("_")));

/** Whether a specifier names a Node built-in, with or without the `node:` prefix. */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || NODE_BUILTINS.has(packageOf(specifier));
}

export const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts"] as const;

/**
 * The file a relative (or, given `aliasRoot`, an `@/`) specifier resolves to, as TypeScript's
 * bundler resolution finds it (the file, an added extension, or the folder's index); null if none.
 */
export function resolveLocal(
  fromFile: string,
  specifier: string,
  aliasRoot?: string,
): string | null {
  let base: string;
  if (specifier.startsWith("@/") && aliasRoot !== undefined)
    base = path.join(aliasRoot, specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(fromFile), specifier);
  else return null;
  const candidates = [
    base,
    ...SOURCE_EXTENSIONS.map((e) => base + e),
    ...SOURCE_EXTENSIONS.map((e) => path.join(base, `index${e}`)),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/**
 * The import cycles of a graph (file → files it imports): one entry per strongly connected
 * component of more than one file, or a file importing itself, each listed from its first file.
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative enough for a source tree.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) connect(node);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}
