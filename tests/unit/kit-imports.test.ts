/**
 * lib/authz/ is copied into other projects as one folder, so it may import only itself and the
 * packages it declares. Specifiers come from the shared scanner (tests/support/module-imports.ts,
 * proved on crafted sources in tests/unit/module-imports.test.ts); the rules are proved here on
 * crafted specifiers first, so a check that silently finds nothing cannot pass for a clean kit.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  isNodeBuiltin,
  moduleReferences,
  packageOf,
  resolveLocal,
  SOURCE_EXTENSIONS,
} from "../support/module-imports";

const root = path.resolve(__dirname, "../..");
const kitDir = path.join(root, "lib/authz");

/**
 * The packages the kit may import, and which files may import each. `next` is the framework the
 * kit is for (zod is not here: the Edge bundle cannot afford it, claims.ts validates by hand);
 * `next-auth` only in testing.ts (it signs test cookies with
 * Auth.js's own `encode`: the readers themselves never import it). `redis` is NOT here: the Redis
 * store (rate-limit/redis.ts) takes any client with the two calls it uses.
 */
const ALLOWED_PACKAGES: Readonly<Record<string, (file: string) => boolean>> = {
  next: () => true,
  "next-auth": (file) => file === "testing.ts",
};

/** Files that may use Node built-ins: marked `-node` by name, and the test helpers. */
function mayUseNode(file: string): boolean {
  return /-node\.(ts|tsx|mts|cts)$/.test(file) || path.basename(file) === "testing.ts";
}

function resolvesInside(fromFile: string, specifier: string): boolean {
  return resolveLocal(path.join(kitDir, fromFile), specifier) !== null;
}

/**
 * Why a specifier is not allowed in a kit file (path relative to lib/authz/), or null when it is.
 */
export function violation(file: string, specifier: string): string | null {
  if (specifier === "<non-literal>")
    return "a dynamic import with a computed specifier cannot be checked";
  if (specifier.startsWith("@/"))
    return `"${specifier}" is a path alias of this repo: a copied kit has no such alias; import relatively`;
  if (specifier.startsWith(".")) {
    // Walked segment by segment: `../authz/x` comes back in, but only while the folder is named
    // `authz`, and a copy may be renamed.
    let depth = path
      .dirname(file)
      .split(/[\\/]/)
      .filter((s) => s !== "" && s !== ".").length;
    for (const segment of specifier.split("/")) {
      depth += segment === ".." ? -1 : segment === "." || segment === "" ? 0 : 1;
      if (depth < 0)
        return `"${specifier}" leaves lib/authz/: the folder must be copyable on its own (and renamable)`;
    }
    if (!resolvesInside(file, specifier))
      return `"${specifier}" does not resolve to a file in lib/authz/`;
    return null;
  }
  if (
    specifier.startsWith("/") ||
    (/^[a-z]+:/i.test(specifier) && !specifier.startsWith("node:"))
  ) {
    return `"${specifier}" is an absolute path or URL`;
  }
  if (isNodeBuiltin(specifier)) {
    return mayUseNode(file)
      ? null
      : `"${specifier}" is a Node built-in: only files named *-node.ts (and testing.ts) may use one`;
  }
  const allowed = ALLOWED_PACKAGES[packageOf(specifier)];
  if (!allowed)
    return `package "${packageOf(specifier)}" is not one the kit declares (${Object.keys(ALLOWED_PACKAGES).join(", ")})`;
  if (!allowed(file)) return `package "${packageOf(specifier)}" is not allowed in ${file}`;
  return null;
}

function kitFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return kitFiles(full);
    return SOURCE_EXTENSIONS.some((e) => entry.name.endsWith(e))
      ? [path.relative(kitDir, full)]
      : [];
  });
}

describe("the import rules", () => {
  it("refuses aliases, escapes, undeclared packages and built-ins outside -node files", () => {
    expect(violation("entry/route.ts", "@/lib/access")).toMatch(/path alias/);
    expect(violation("session/authjs.ts", "../../guard")).toMatch(/leaves lib\/authz/);
    expect(violation("entry/route.ts", "../../authz/entry/route")).toMatch(/leaves lib\/authz/);
    expect(violation("entry/route.ts", "./no-such-file")).toMatch(/does not resolve/);
    expect(violation("entry/route.ts", "redis")).toMatch(/not one the kit declares/);
    expect(violation("entry/route.ts", "@upstash/redis")).toMatch(/not one the kit declares/);
    expect(violation("entry/route.ts", "next-auth/jwt")).toMatch(/not allowed in entry\/route\.ts/);
    expect(violation("entry/route.ts", "node:crypto")).toMatch(/Node built-in/);
    expect(violation("entry/route.ts", "crypto")).toMatch(/Node built-in/);
    expect(violation("entry/route.ts", "fs/promises")).toMatch(/Node built-in/);
    expect(violation("entry/route.ts", "<non-literal>")).toMatch(/computed specifier/);
    expect(violation("entry/route.ts", "https://esm.sh/zod")).toMatch(/URL/);
    // The Edge budget: claims are validated by claims.ts, not by a schema library.
    expect(violation("decide/access.ts", "zod/mini")).not.toBeNull();
  });

  it("accepts what the kit is allowed", () => {
    expect(violation("session/authjs.ts", "./jwe")).toBeNull();
    expect(violation("session/authjs.ts", "../decide/access")).toBeNull();
    expect(violation("session/authjs.ts", ".")).toBeNull();
    expect(violation("decide/access.ts", "../session")).toBeNull();
    expect(violation("server.ts", "next/headers")).toBeNull();
    expect(violation("testing.ts", "next-auth/jwt")).toBeNull();
    expect(violation("testing.ts", "node:crypto")).toBeNull();
    expect(violation("stores/redis-node.ts", "node:net")).toBeNull();
  });
});

describe("lib/authz/ imports only itself and its declared dependencies", () => {
  const files = kitFiles(kitDir);

  it("has files to check", () => {
    // Guards against a moved folder turning this suite into a no-op.
    expect(files).toEqual(
      expect.arrayContaining([
        path.join("decide", "access.ts"),
        path.join("entry", "route.ts"),
        "testing.ts",
        path.join("session", "authjs.ts"),
      ]),
    );
  });

  it("declares every allowed package as a dependency of this repo", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(ALLOWED_PACKAGES))
      expect(pkg.dependencies, name).toHaveProperty([name]);
  });

  it.each(files)("%s", (file) => {
    const problems = moduleReferences(file, readFileSync(path.join(kitDir, file), "utf8")).flatMap(
      (s) => {
        const why = violation(file, s.specifier);
        return why ? [`${file}:${s.line} ${s.kind} ${why}`] : [];
      },
    );
    expect(problems).toEqual([]);
  });
});
