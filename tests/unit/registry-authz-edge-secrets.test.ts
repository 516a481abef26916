/**
 * One truth for AUTH_SECRET: the registry's starter `lib/authz-edge.ts` (what `shadcn add` writes
 * into a user's project) and the demo's read the secrets as Auth.js does (`authJsSecrets`: byte
 * for byte, rotation by AUTH_SECRET_1..3, no comma lists), as docs/sessions.md says. The starter
 * once split AUTH_SECRET on commas, so a secret with a comma, which Auth.js uses whole, read every
 * session as signed out. Cookies are Auth.js's own (`encode` from next-auth/jwt); the starter file
 * runs as installed, beside a link to the kit (the item keeps `./authz` relative). The demo's
 * decision-log HMAC key follows the same reading.
 */
import { copyFileSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { encode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionSource } from "@/lib/authz";

const repo = path.resolve(__dirname, "../..");
const project = path.join(repo, ".tmp/registry-authz-edge");
const COOKIE = "authjs.session-token";

// The Auth.js cookie source of each: the starter's `session`, the demo's cookie source (its
// `session` is a list: bearer tokens and API keys first, then this).
let starter: SessionSource;
let demo: SessionSource;

beforeAll(async () => {
  rmSync(project, { recursive: true, force: true });
  mkdirSync(path.join(project, "lib"), { recursive: true });
  copyFileSync(
    path.join(repo, "registry/project/lib/authz-edge.ts"),
    path.join(project, "lib/authz-edge.ts"),
  );
  symlinkSync(path.join(repo, "lib/authz"), path.join(project, "lib/authz"), "dir");
  starter = (await import(pathToFileURL(path.join(project, "lib/authz-edge.ts")).href)).authzOptions
    .session;
  demo = (await import("@/lib/authz-edge")).demoSession as SessionSource;
});
afterAll(() => rmSync(project, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

async function reads(session: SessionSource, secret: string): Promise<unknown> {
  const token = await encode({ token: { sub: "user-1" }, secret, salt: COOKIE });
  const request = new Request("http://localhost:3000/api/me", {
    headers: { cookie: `${COOKIE}=${token}` },
  });
  const claims = await session(request);
  return claims?.sub ?? null;
}

describe.each([
  ["the registry's starter authz-edge.ts", () => starter],
  ["the demo's lib/authz-edge.ts", () => demo],
])("%s reads AUTH_SECRET as Auth.js does", (_name, options: () => SessionSource) => {
  it("a secret with a comma is one secret, used whole", async () => {
    vi.stubEnv("AUTH_SECRET", "first-half-0123456789,second-half-0123456789");
    vi.stubEnv("AUTH_SECRET_1", "");
    expect(await reads(options(), "first-half-0123456789,second-half-0123456789")).toBe("user-1");
    expect(await reads(options(), "first-half-0123456789")).toBeNull();
  });

  it("rotation: AUTH_SECRET_1 is the new secret and AUTH_SECRET still reads older sessions", async () => {
    vi.stubEnv("AUTH_SECRET", "old-secret-0123456789abcdef0123456789");
    vi.stubEnv("AUTH_SECRET_1", "new-secret-0123456789abcdef0123456789");
    expect(await reads(options(), "new-secret-0123456789abcdef0123456789")).toBe("user-1");
    expect(await reads(options(), "old-secret-0123456789abcdef0123456789")).toBe("user-1");
    expect(await reads(options(), "other-secret-0123456789abcdef012345")).toBeNull();
  });
});

describe("the demo's decision-log key (lib/decision-log-edge.ts) is Auth.js's current secret", () => {
  it("AUTH_SECRET whole, comma and all; AUTH_SECRET_1 once rotating", async () => {
    const { decisionLogSecret } = await import("@/lib/decision-log-edge");
    vi.stubEnv("AUTH_SECRET", "one,secret-0123456789abcdef");
    vi.stubEnv("AUTH_SECRET_1", "");
    expect(decisionLogSecret()).toBe("one,secret-0123456789abcdef");
    vi.stubEnv("AUTH_SECRET_1", "new-secret-0123456789abcdef");
    expect(decisionLogSecret()).toBe("new-secret-0123456789abcdef");
  });
});
