/**
 * A stand-in for Next's Edge runtime (which is not installed here): a kit file bundled alone
 * (rolldown, browser platform, minified) and run in a fresh `node:vm` context that holds only Web
 * APIs. No `process`, `require`, `Buffer` or Node module is reachable from inside it.
 */
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import { rolldown } from "rolldown";

const root = path.resolve(__dirname, "../..");

/** The file's exports, evaluated in a Web-APIs-only context, and its bundle's gzipped size. */
export async function loadInEdgeSandbox(
  file: string,
): Promise<{ exports: Record<string, unknown>; gzipBytes: number; context: vm.Context }> {
  const build = await rolldown({
    input: path.join(root, file),
    platform: "browser",
    logLevel: "silent",
  });
  const { output } = await build.generate({ format: "iife", name: "kit", minify: true });
  await build.close();
  const code = output[0].code;
  const context = vm.createContext({
    crypto: globalThis.crypto,
    fetch: globalThis.fetch,
    Request,
    Response,
    Headers,
    URL,
    TextEncoder,
    TextDecoder,
    AbortController,
    atob,
    btoa,
    setTimeout,
    clearTimeout,
    console,
  });
  vm.runInContext(code, context);
  return {
    exports: context.kit as Record<string, unknown>,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    context,
  };
}
