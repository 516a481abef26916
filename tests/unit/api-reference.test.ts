/**
 * docs/api.md is generated from the entry points' exports: it must be current, and every export
 * must open its JSDoc with a one-line summary (the reference has nothing else to show).
 */
import { readFileSync } from "node:fs";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain .mjs script shared with `node scripts/api-reference.mjs`
import { API_DOC, readApi, renderApi } from "../../scripts/api-reference.mjs";

interface ApiEntry {
  readonly entry: string;
  readonly exports: readonly { readonly name: string; readonly summary: string }[];
}

describe("docs/api.md", () => {
  const api = readApi() as ApiEntry[];

  it("lists every export of every entry point", () => {
    expect(api.every((e) => e.exports.length > 0)).toBe(true);
  });

  it("has a one-line summary for every export", () => {
    const missing = api.flatMap((e) =>
      e.exports.filter((x) => x.summary === "").map((x) => `${e.entry}: ${x.name}`),
    );
    expect(missing).toEqual([]);
  });

  it("is current (node scripts/api-reference.mjs rewrites it)", async () => {
    const expected = await format(renderApi(api), { parser: "markdown", printWidth: 100 });
    expect(readFileSync(API_DOC, "utf8")).toBe(expected);
  });
}, 60_000);
