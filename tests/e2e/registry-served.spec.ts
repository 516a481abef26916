/**
 * The demo serves the built registry items (public/r/) at /r/<item>.json, so
 * `npx shadcn add <demo>/r/authz-middleware.json` can fetch them: the exact committed bytes, as JSON,
 * to anyone (no session). Needs `npm run build`.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, testWithServer } from "./fixtures";

const test = testWithServer();
const built = path.resolve(__dirname, "../../public/r");

test("every built item is served at /r/<item>.json, byte for byte, without a session", async ({
  request,
}) => {
  const names = readdirSync(built).filter((f) => f.endsWith(".json"));
  expect(names).toEqual(expect.arrayContaining(["authz.json", "authz-middleware.json"]));
  for (const name of names) {
    const response = await request.get(`/r/${name}`);
    expect(response.status(), name).toBe(200);
    expect(response.headers()["content-type"], name).toContain("application/json");
    expect(await response.text(), name).toBe(readFileSync(path.join(built, name), "utf8"));
  }
});
