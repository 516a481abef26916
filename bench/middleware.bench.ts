/**
 * Size of the Edge middleware bundle, for `npm run bench` (loaded through vite's `runnerImport`).
 * Next 16.4.6 prints no middleware size; its Edge output is `.next/server/edge/chunks/*.js`, and
 * `.next/server/middleware-manifest.json` lists which of them the middleware loads.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/**
 * Sums gzip -9 of every `.next/server/edge/chunks/*.js` of a built project (source maps excluded).
 * Throws when there is no build or no Edge chunk, so a missing bundle never reads as 0 KB.
 *
 * @param projectDir a Next project after `next build`
 * @example
 * const { edgeBundleGzipBytes } = await benchMiddlewareBundle(process.cwd());
 * console.log(`${(edgeBundleGzipBytes / 1024).toFixed(1)} KB (target ≤ 72 KB)`);
 */
export async function benchMiddlewareBundle(
  projectDir: string,
): Promise<{ edgeBundleGzipBytes: number; files: number }> {
  const server = path.join(projectDir, ".next", "server");
  const chunks = path.join(server, "edge", "chunks");
  if (!existsSync(chunks))
    throw new Error(`No Edge chunks in ${chunks}: run \`next build\` with a middleware.ts first`);
  const files = readdirSync(chunks).filter((f) => f.endsWith(".js"));
  if (files.length === 0) throw new Error(`No .js file in ${chunks}`);

  // Cross-check with the manifest: it must name a middleware, and every file that middleware loads
  // must be among those summed.
  const manifestPath = path.join(server, "middleware-manifest.json");
  if (!existsSync(manifestPath)) throw new Error(`No ${manifestPath}: not a middleware build`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    middleware?: Record<string, { files?: string[] }>;
  };
  const loaded = Object.values(manifest.middleware ?? {}).flatMap((entry) => entry.files ?? []);
  if (loaded.length === 0) throw new Error(`${manifestPath} lists no middleware file`);
  for (const file of loaded) {
    if (file.endsWith(".js") && !files.includes(path.basename(file)))
      throw new Error(`middleware file ${file} is not under ${chunks}: the sum would miss it`);
  }

  let edgeBundleGzipBytes = 0;
  for (const file of files)
    edgeBundleGzipBytes += gzipSync(readFileSync(path.join(chunks, file)), { level: 9 }).length;
  return { edgeBundleGzipBytes, files: files.length };
}
