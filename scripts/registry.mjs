#!/usr/bin/env node
// `npm run registry:build`: the kit as shadcn registry items, built by the pinned shadcn CLI into
// public/r/ (the demo serves them at /r/<item>.json).
//
//   node scripts/registry.mjs           list lib/authz/ into registry.json's `authz` item, build public/r/
//   node scripts/registry.mjs --check   fail when registry.json or public/r/ differ from a fresh build
//   REGISTRY_URL=https://demo.example node scripts/registry.mjs
//                                       build for a deployment: registryDependencies point at that
//                                       origin instead of registry.json's `homepage` (not for commits)
//   node scripts/registry.mjs --deployment
//                                       `npm run build`'s first step: the same for REGISTRY_URL, or on
//                                       Vercel for https://$VERCEL_PROJECT_PRODUCTION_URL; else nothing
//
// The `authz` item is the folder: every file under lib/authz/ that no other item lists, so a file
// added to the kit lands in it with the next build. `npm test` runs --check.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import * as prettier from "prettier";

const root = path.resolve(import.meta.dirname, "..");
const REGISTRY = "registry.json";
const KIT = "lib/authz";
const FOLDER_ITEM = "authz";
const OUT = "public/r";
const CLI = path.join(root, "node_modules/shadcn/dist/index.js");
const STALE = `Run \`npm run registry:build\` and commit registry.json and ${OUT}/.`;

/** Every file under lib/authz/, as repository paths with forward slashes, sorted. */
function kitFiles(dir = KIT) {
  return readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const rel = `${dir}/${entry.name}`;
      return entry.isDirectory() ? kitFiles(rel) : [rel];
    })
    .sort();
}

/** registry.json with the `authz` item's files listed from the folder; throws on a broken item. */
function syncedRegistry(registry) {
  const folderItem = registry.items.find((item) => item.name === FOLDER_ITEM);
  if (!folderItem) throw new Error(`${REGISTRY} has no "${FOLDER_ITEM}" item`);
  const claimed = new Set(
    registry.items.filter((item) => item !== folderItem).flatMap((i) => i.files.map((f) => f.path)),
  );
  folderItem.files = kitFiles()
    .filter((file) => !claimed.has(file))
    .map((file) => ({ path: file, type: "registry:file", target: file }));
  for (const item of registry.items) {
    for (const file of item.files) {
      if (!existsSync(path.join(root, file.path)))
        throw new Error(
          `${REGISTRY}: item "${item.name}" lists ${file.path}, which does not exist`,
        );
    }
  }
  return registry;
}

async function formatJson(value, file) {
  const options = (await prettier.resolveConfig(path.join(root, file))) ?? {};
  return prettier.format(JSON.stringify(value, null, 2), { ...options, filepath: file });
}

/** registryDependencies under `homepage` moved to `base` (a deployment's origin). */
function withBase(registry, base) {
  const from = `${registry.homepage}/r/`;
  const to = `${base.replace(/\/+$/, "")}/r/`;
  for (const item of registry.items) {
    item.registryDependencies = item.registryDependencies?.map((dep) =>
      dep.startsWith(from) ? to + dep.slice(from.length) : dep,
    );
  }
  return registry;
}

/** Runs `shadcn build` on a registry file into `outDir` (both relative to the repo). */
function shadcnBuild(registryFile, outDir) {
  const result = spawnSync(
    process.execPath,
    [CLI, "build", registryFile, "--output", outDir, "--cwd", root],
    { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`shadcn build failed (exit ${result.status})`);
  }
}

function listJson(dir) {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort()
    : [];
}

async function main() {
  const check = process.argv.includes("--check");
  const vercel = process.env.VERCEL_PROJECT_PRODUCTION_URL?.trim();
  const base =
    process.env.REGISTRY_URL?.trim() ||
    (process.argv.includes("--deployment") && vercel ? `https://${vercel}` : undefined);
  if (process.argv.includes("--deployment") && !base) {
    console.log(`${OUT}/ as committed (no REGISTRY_URL, not on Vercel).`);
    return;
  }
  const registryText = readFileSync(path.join(root, REGISTRY), "utf8");
  const synced = await formatJson(syncedRegistry(JSON.parse(registryText)), REGISTRY);
  const tmp = path.join(root, ".tmp");
  mkdirSync(tmp, { recursive: true });
  const work = mkdtempSync(path.join(tmp, "registry-"));
  try {
    if (check) {
      if (base) throw new Error("--check compares the committed build: unset REGISTRY_URL");
      const problems = [];
      if (synced !== registryText)
        problems.push(`${REGISTRY} does not list the files of ${KIT}/ as they are now`);
      const source = path.join(work, REGISTRY);
      writeFileSync(source, synced);
      const out = path.join(work, "r");
      shadcnBuild(path.relative(root, source), path.relative(root, out));
      const committed = path.join(root, OUT);
      const names = new Set([...listJson(out), ...listJson(committed)]);
      for (const name of [...names].sort()) {
        const fresh = path.join(out, name);
        const old = path.join(committed, name);
        if (!existsSync(old)) problems.push(`${OUT}/${name} is missing`);
        else if (!existsSync(fresh)) problems.push(`${OUT}/${name} belongs to no item any more`);
        else if (
          readFileSync(fresh, "utf8").replace(/\r\n/g, "\n") !==
          readFileSync(old, "utf8").replace(/\r\n/g, "\n")
        )
          problems.push(`${OUT}/${name} differs from a fresh build`);
      }
      if (problems.length > 0) {
        console.error(`Registry out of date:\n- ${problems.join("\n- ")}\n${STALE}`);
        process.exitCode = 1;
        return;
      }
      console.log(`${REGISTRY} and ${OUT}/ match a fresh build (${names.size} files).`);
      return;
    }
    writeFileSync(path.join(root, REGISTRY), synced);
    let source = REGISTRY;
    if (base) {
      source = path.relative(root, path.join(work, REGISTRY));
      writeFileSync(
        path.join(root, source),
        JSON.stringify(withBase(JSON.parse(synced), base), null, 2),
      );
    }
    rmSync(path.join(root, OUT), { recursive: true, force: true });
    shadcnBuild(source, OUT);
    console.log(
      `Built ${listJson(path.join(root, OUT)).length} files into ${OUT}/` +
        (base
          ? ` with registryDependencies at ${base}/r/ (a deployment build: do not commit it)`
          : ""),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
