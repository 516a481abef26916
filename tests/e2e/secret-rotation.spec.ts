/**
 * Secret rotation end to end, on the built demo with `next start`: sign in under the old secret,
 * rotate the Auth.js way (the new secret as AUTH_SECRET_1, the old one kept as AUTH_SECRET), and
 * the session still reads, for the kit (route handler, page) and for Auth.js itself; new sessions
 * use the new secret and outlive the old one's retirement. A secret with a trailing newline reads
 * the same for both, since both take their secrets from one helper (authJsSecrets).
 */
import { expect, test } from "@playwright/test";
import { signInWithCredentials } from "../../lib/authz/testing";
import { startNextServer, type NextServer } from "../support/next-server";

test.describe.configure({ mode: "serial" });

const OLD = "old-rotation-secret-for-tests-0123456789abcdef";
const NEW = "new-rotation-secret-for-tests-fedcba9876543210";

let server: NextServer | undefined;
async function restart(env: Record<string, string>): Promise<NextServer> {
  await server?.stop();
  // AUTH_SECRET_1 may be inherited from the caller's environment: state every variable.
  server = await startNextServer({ env: { AUTH_SECRET_1: "", ...env } });
  return server;
}

test.afterAll(async () => {
  await server?.stop();
});

/** What the kit (GET /api/me, /dashboard) and Auth.js (GET /api/auth/session) make of a cookie. */
async function reads(s: NextServer, cookie: string) {
  const me = await fetch(`${s.url}/api/me`, { headers: { cookie } });
  const page = await fetch(`${s.url}/dashboard`, { headers: { cookie }, redirect: "manual" });
  const session = (await (
    await fetch(`${s.url}/api/auth/session`, { headers: { cookie } })
  ).json()) as { user?: { email?: string } } | null;
  return { kit: me.status, page: page.status, authjs: session?.user?.email ?? null };
}

test("a session signed under the old secret still reads after rotation; the old secret can retire later", async ({}, testInfo) => {
  testInfo.setTimeout(180_000);
  let s = await restart({ AUTH_SECRET: OLD });
  const before = await signInWithCredentials(s.url, "alice@example.com", "demo");
  expect(before).not.toBeNull();
  expect(await reads(s, before!)).toEqual({ kit: 200, page: 200, authjs: "alice@example.com" });

  s = await restart({ AUTH_SECRET: OLD, AUTH_SECRET_1: NEW });
  expect(await reads(s, before!)).toEqual({ kit: 200, page: 200, authjs: "alice@example.com" });
  const after = await signInWithCredentials(s.url, "bob@example.com", "demo");
  expect(after).not.toBeNull();
  expect(await reads(s, after!)).toEqual({ kit: 200, page: 200, authjs: "bob@example.com" });

  // The old secret retired: sessions made since the rotation live on, older ones are gone.
  s = await restart({ AUTH_SECRET: NEW });
  expect(await reads(s, after!)).toEqual({ kit: 200, page: 200, authjs: "bob@example.com" });
  expect(await reads(s, before!)).toEqual({ kit: 401, page: 307, authjs: null });
});

test("a secret with a trailing newline reads the same for Auth.js and the kit", async ({}, testInfo) => {
  testInfo.setTimeout(120_000);
  const s = await restart({ AUTH_SECRET: `${OLD}\n` });
  const cookie = await signInWithCredentials(s.url, "carol@example.com", "demo");
  expect(cookie).not.toBeNull();
  expect(await reads(s, cookie!)).toEqual({ kit: 200, page: 200, authjs: "carol@example.com" });
});
