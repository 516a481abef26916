/**
 * registry.json (the kit as shadcn registry items) against the repository: every file of lib/authz/
 * ships in exactly one item, every item installs without a components.json, dependencies between
 * items name items that exist, and the committed build in public/r/ carries today's files. The full
 * comparison with a fresh `shadcn build` is `npm run registry:check` (a step of `npm test`); the
 * install itself is proved by tests/integration/registry-install.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

interface RegistryFile {
  readonly path: string;
  readonly type: string;
  readonly target?: string;
  readonly content?: string;
}
interface RegistryItem {
  readonly name: string;
  readonly type: string;
  readonly files: readonly RegistryFile[];
  readonly registryDependencies?: readonly string[];
  readonly dependencies?: readonly string[];
  readonly devDependencies?: readonly string[];
  readonly envVars?: Readonly<Record<string, string>>;
}

const root = path.resolve(__dirname, "../..");
const registry = JSON.parse(readFileSync(path.join(root, "registry.json"), "utf8")) as {
  readonly homepage: string;
  readonly items: readonly RegistryItem[];
};
const REBUILD = "run `npm run registry:build` and commit registry.json and public/r/";

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(`${dir}/${e.name}`) : [`${dir}/${e.name}`]))
    .sort();
}

const item = (name: string): RegistryItem => {
  const found = registry.items.find((i) => i.name === name);
  if (!found) throw new Error(`registry.json has no item "${name}"`);
  return found;
};

describe("registry.json", () => {
  it("has the nine items", () => {
    expect(registry.items.map((i) => i.name)).toEqual([
      "authz",
      "authz-starter",
      "authz-middleware",
      "authz-redis",
      "authz-otel",
      "authz-testing",
      "authz-drizzle",
      "authz-kysely",
      "authz-prisma",
    ]);
  });

  it(`ships every file of lib/authz/ in exactly one item, at the same path (else ${REBUILD})`, () => {
    const shipped = registry.items.flatMap((i) =>
      i.files.filter((f) => f.path.startsWith("lib/authz/")).map((f) => f.path),
    );
    expect([...shipped].sort()).toEqual(filesUnder("lib/authz"));
    for (const i of registry.items) {
      for (const f of i.files.filter((file) => file.path.startsWith("lib/authz/")))
        expect(f.target, f.path).toBe(f.path);
    }
    // The folder item is the folder, apart from what other items bring on purpose.
    expect(item("authz-testing").files.map((f) => f.path)).toEqual(
      expect.arrayContaining(["lib/authz/testing.ts", "lib/authz/route-coverage-node.ts"]),
    );
  });

  it("lists only files that exist", () => {
    for (const i of registry.items) {
      for (const f of i.files) expect(existsSync(path.join(root, f.path)), f.path).toBe(true);
    }
  });

  it("makes every item universal: plain files with targets, so no components.json is needed", () => {
    for (const i of registry.items) {
      expect(i.type, i.name).toBe("registry:item");
      for (const f of i.files) {
        expect(f.type, f.path).toBe("registry:file");
        // A target without `~/` lands under src/ in a src/ project; `@alias/` would need a config.
        expect(f.target, f.path).toMatch(/^(lib|app|__tests__)\/[\w./[\]-]+$|^middleware\.ts$/);
      }
    }
  });

  it("links items through registryDependencies at the registry's own address, without cycles", () => {
    const names = new Set(registry.items.map((i) => i.name));
    const prefix = `${registry.homepage}/r/`;
    const deps = new Map(
      registry.items.map((i) => [
        i.name,
        (i.registryDependencies ?? []).map((d) => {
          expect(d.startsWith(prefix) && d.endsWith(".json"), d).toBe(true);
          const name = d.slice(prefix.length, -".json".length);
          expect(names.has(name), d).toBe(true);
          return name;
        }),
      ]),
    );
    const closure = (name: string, seen: string[] = []): string[] => {
      expect(seen, `cycle through ${name}`).not.toContain(name);
      return (deps.get(name) ?? []).flatMap((d) => [d, ...closure(d, [...seen, name])]);
    };
    expect(new Set(closure("authz-middleware"))).toEqual(new Set(["authz-starter", "authz"]));
    for (const name of [
      "authz-starter",
      "authz-redis",
      "authz-otel",
      "authz-testing",
      "authz-drizzle",
      "authz-kysely",
      "authz-prisma",
    ])
      expect(closure(name)).toContain("authz");
    expect(deps.get("authz")).toEqual([]);
  });

  it("asks for AUTH_SECRET without shipping a value, for redis with the Redis store and vitest with the tests", () => {
    expect(item("authz-starter").envVars).toEqual({ AUTH_SECRET: "" });
    expect(item("authz-redis").dependencies).toEqual(["redis"]);
    expect(item("authz-otel").dependencies).toEqual(["@opentelemetry/api"]);
    // Each list adapter brings its ORM; Prisma's is typed structurally and brings none.
    expect(item("authz-drizzle").dependencies).toEqual(["drizzle-orm"]);
    expect(item("authz-kysely").dependencies).toEqual(["kysely"]);
    for (const name of [
      "authz",
      "authz-starter",
      "authz-middleware",
      "authz-testing",
      "authz-prisma",
    ])
      expect(item(name).dependencies ?? [], name).toEqual([]);
    // The route-coverage test runs with Vitest, a dev dependency the CLI installs when missing.
    expect(item("authz-testing").devDependencies).toEqual(["vitest"]);
  });
});

describe("public/r/ (the committed build the demo serves at /r/<item>.json)", () => {
  it(`carries today's files for every item (else ${REBUILD})`, () => {
    for (const i of registry.items) {
      const built = JSON.parse(
        readFileSync(path.join(root, "public/r", `${i.name}.json`), "utf8"),
      ) as RegistryItem;
      expect(built.name).toBe(i.name);
      expect(built.registryDependencies).toEqual(i.registryDependencies);
      expect(built.files.map((f) => f.target)).toEqual(i.files.map((f) => f.target));
      for (const f of built.files)
        expect(f.content, `${f.path} in public/r/${i.name}.json`).toBe(
          readFileSync(path.join(root, f.path), "utf8"),
        );
    }
  });
});
