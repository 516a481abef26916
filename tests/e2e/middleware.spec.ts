/**
 * The Edge middleware against `next start` (needs `npm run build`): its answers for anonymous,
 * alice, bob and carol on every path rule, and, for every path variant of docs/middleware.md, what
 * Next actually does with it: answered before the middleware (308), not routed (404), refused by
 * the middleware (marked `X-Authz-Layer: middleware`) or by the handler. Requests go out with
 * node:http so the request target is sent exactly as written (fetch would normalise it).
 */
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signInWithCredentials } from "../../lib/authz/testing";
import { startNextServer, type NextServer } from "../support/next-server";

type Who = "anonymous" | "alice" | "bob" | "carol";
const WHO: readonly Who[] = ["anonymous", "alice", "bob", "carol"];

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Whether the middleware gave this answer. */
  readonly early: boolean;
}

let server: NextServer;
const cookies: Partial<Record<Who, string>> = {};

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startNextServer();
  for (const who of ["alice", "bob", "carol"] as const) {
    const cookie = await signInWithCredentials(server.url, `${who}@example.com`, "demo");
    expect(cookie, `sign-in as ${who}`).toBeTruthy();
    cookies[who] = cookie!;
  }
});

test.afterAll(async () => {
  await server?.stop();
});

/** One request with the target exactly as written. */
function send(
  target: string,
  who: Who,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(server.url);
  const headers: Record<string, string> = { ...init.headers };
  if (who !== "anonymous") headers.cookie = cookies[who]!;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: init.method ?? "GET", path: target, headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            early: res.headers["x-authz-layer"] === "middleware",
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const json = (a: Answer) => JSON.parse(a.body) as Record<string, unknown>;

/** What every middleware answer must carry: no cookie, ever; refusals not cached. */
function expectClean(a: Answer, label: string) {
  expect(a.headers["set-cookie"], `${label}: no Set-Cookie`).toBeUndefined();
  if (a.early && a.status !== 403)
    expect(a.headers["cache-control"], `${label}: no-store`).toBe("no-store");
}

test.describe("every rule, every user", () => {
  test("/dashboard (page, signed in): anonymous is sent to sign-in; everyone signed in passes", async () => {
    for (const who of WHO) {
      const a = await send("/dashboard?tab=1", who);
      expectClean(a, `${who} /dashboard`);
      if (who === "anonymous") {
        expect(a.status).toBe(307);
        expect(a.early).toBe(true);
        const location = new URL(String(a.headers.location), server.url);
        expect(location.origin).toBe(server.url);
        expect(location.pathname).toBe("/signin");
        expect(location.searchParams.get("callbackUrl")).toBe("/dashboard?tab=1");
      } else {
        expect(a.status, who).toBe(200);
        expect(a.early).toBe(false);
      }
    }
  });

  test("/admin (page, admin): anonymous to sign-in, bob and carol see the 403 page with status 403, alice passes", async () => {
    const expected: Record<Who, number> = { anonymous: 307, alice: 200, bob: 403, carol: 403 };
    for (const who of WHO) {
      const a = await send("/admin", who);
      expectClean(a, `${who} /admin`);
      expect(a.status, who).toBe(expected[who]);
      expect(a.early, who).toBe(who !== "alice");
      if (a.status === 403) {
        expect(a.headers["content-type"]).toMatch(/text\/html/);
        // The admin page never rendered: no user list in the answer.
        expect(a.body).not.toContain("bob@example.com");
      }
    }
  });

  test("/api/admin/users (API, admin): 401 / 403 Requires admin role from the middleware, 200 for alice", async () => {
    for (const who of WHO) {
      const a = await send("/api/admin/users", who);
      expectClean(a, who);
      if (who === "anonymous") {
        expect(a.status).toBe(401);
        expect(a.headers["www-authenticate"]).toMatch(/^Cookie realm=/);
        expect(json(a)).toEqual({
          error: "Unauthorized",
          message: "Authentication required",
          code: "unauthenticated",
        });
      } else if (who === "alice") {
        expect(a.status).toBe(200);
        expect(json(a).users).toBeInstanceOf(Array);
      } else {
        expect(a.status, who).toBe(403);
        expect(json(a)).toMatchObject({
          error: "Forbidden",
          message: "Requires admin role",
          code: "role_required",
        });
      }
      expect(a.early, who).toBe(who !== "alice");
    }
  });

  test("DELETE /api/admin/users/[id]: refused early for anonymous, bob, carol; alice reaches the handler (404 unknown id)", async () => {
    const expected: Record<Who, number> = { anonymous: 401, alice: 404, bob: 403, carol: 403 };
    for (const who of WHO) {
      const a = await send("/api/admin/users/user-nobody", who, { method: "DELETE" });
      expectClean(a, who);
      expect(a.status, who).toBe(expected[who]);
      expect(a.early, who).toBe(who !== "alice");
    }
  });

  test("cross-site unsafe requests: 401 before 403, the Edge middleware and the handler alike", async () => {
    const crossSite = { "sec-fetch-site": "cross-site", origin: "https://evil.example" };
    // A client-sent X-Forwarded-Host names no host of the app's without a trusted proxy.
    const spoofed = { origin: "https://evil.example", "x-forwarded-host": "evil.example" };
    for (const headers of [crossSite, spoofed]) {
      for (const who of WHO) {
        // In the middleware's matcher (answered there) and outside it (the handler's own check).
        for (const [target, method, early] of [
          ["/api/admin/users/user-nobody", "DELETE", true],
          ["/api/reports/export", "POST", false],
        ] as const) {
          const a = await send(target, who, { method, headers });
          const label = `${method} ${target} as ${who}`;
          expectClean(a, label);
          expect(a.early, label).toBe(early);
          if (who === "anonymous") {
            expect(a.status, label).toBe(401);
            expect(json(a), label).toMatchObject({ code: "unauthenticated" });
          } else {
            expect(a.status, label).toBe(403);
            expect(json(a), label).toMatchObject({
              code: "cross_site_request",
              message: "Cross-site request refused",
            });
          }
        }
      }
    }
  });

  test("/api/ops/metrics (API, IP allow list): refused early for everyone without a trusted proxy", async () => {
    for (const who of WHO) {
      const a = await send("/api/ops/metrics", who, {
        headers: { "x-forwarded-for": "127.0.0.1" },
      });
      expectClean(a, who);
      expect(a.status, who).toBe(403);
      expect(json(a)).toMatchObject({ code: "ip_not_allowed", message: "IP address not allowed" });
      expect(a.early, who).toBe(true);
    }
  });

  test("paths outside the matcher are the handlers' alone (no middleware answer)", async () => {
    for (const [target, method] of [
      ["/api/me", "GET"],
      ["/api/documents/doc-acme-1", "GET"],
      ["/api/reports/export", "POST"],
    ] as const) {
      const a = await send(target, "anonymous", { method });
      expect(a.status, target).toBe(401);
      expect(a.early, target).toBe(false);
      expect(a.headers["set-cookie"]).toBeUndefined();
    }
    expect((await send("/signin", "anonymous")).status).toBe(200);
  });
});

/**
 * Path variants: the observed answer for anonymous, bob and alice. `early` = the middleware
 * answered; `308`/`404` come from Next's router. The invariant checked for every row: whatever
 * reaches a protected handler or page for alice is refused for anonymous and bob.
 */
interface Variant {
  readonly target: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** [anonymous, bob, alice] statuses, and whether the middleware answered anonymous and bob. */
  readonly expect: readonly [number, number, number];
  readonly early: boolean;
}

const api: readonly Variant[] = [
  { target: "/api/admin/users", expect: [401, 403, 200], early: true },
  { target: "/api/admin/users/", expect: [308, 308, 308], early: false },
  { target: "/api/admin//users", expect: [308, 308, 308], early: false },
  { target: "//api/admin/users", expect: [308, 308, 308], early: false },
  { target: "/api\\admin/users", expect: [308, 308, 308], early: false },
  { target: "/API/ADMIN/users", expect: [404, 404, 404], early: false },
  { target: "/api/Admin/users", expect: [404, 404, 404], early: false },
  { target: "/api/%61dmin/users", expect: [401, 403, 404], early: true },
  { target: "/api/admin%2Fusers", expect: [401, 403, 404], early: true },
  { target: "/api%2Fadmin%2Fusers", expect: [401, 403, 404], early: true },
  { target: "/api/me/%2e%2e/admin/users", expect: [401, 403, 200], early: true },
  { target: "/api/me/../admin/users", expect: [401, 403, 200], early: true },
  { target: "/api/me/%2e%2e%2fadmin/users", expect: [404, 404, 404], early: false },
  { target: "/api/./admin/users", expect: [401, 403, 200], early: true },
  { target: "/api/admin/users;x", expect: [401, 403, 404], early: true },
  { target: "/api/admin;x/users", expect: [404, 404, 404], early: false },
  { target: "/api/admin/users.json", expect: [401, 403, 404], early: true },
  { target: "/api/admin/users.rsc", expect: [401, 403, 404], early: true },
  // A real second route to the API handler (alice gets the list): refused early like the API.
  { target: "/_next/data/BUILD/api/admin/users.json", expect: [401, 403, 200], early: true },
  { target: "/api/admin/users?_rsc=1", expect: [401, 403, 200], early: true },
  // Allowed RSC requests get Next's 307 to its `?_rsc=` cache-busting form.
  { target: "/api/admin/users", headers: { rsc: "1" }, expect: [401, 403, 307], early: true },
  {
    target: "/api/admin/users",
    headers: { "next-router-prefetch": "1", purpose: "prefetch" },
    expect: [401, 403, 200],
    early: true,
  },
  {
    target: "/api/admin/users",
    headers: { "sec-purpose": "prefetch" },
    expect: [401, 403, 200],
    early: true,
  },
  { target: "/api/admin/users", method: "HEAD", expect: [401, 403, 200], early: true },
  {
    target: "/api/admin/users",
    method: "OPTIONS",
    headers: { origin: "https://elsewhere.example", "access-control-request-method": "GET" },
    expect: [401, 403, 204],
    early: true,
  },
  { target: "/api/admin/users/a%2Fb", method: "DELETE", expect: [401, 403, 404], early: true },
  {
    target: "/api/admin/%75sers/user-nobody",
    method: "DELETE",
    expect: [401, 403, 404],
    early: true,
  },
];

const pages: readonly Variant[] = [
  { target: "/admin", expect: [307, 403, 200], early: true },
  { target: "/admin/", expect: [308, 308, 308], early: false },
  { target: "//admin", expect: [308, 308, 308], early: false },
  { target: "/ADMIN", expect: [404, 404, 404], early: false },
  { target: "/%61dmin", expect: [307, 403, 404], early: true },
  { target: "/dashboard/%2e%2e/admin", expect: [307, 403, 200], early: true },
  { target: "/admin;x", expect: [404, 404, 404], early: false },
  { target: "/admin.rsc", expect: [307, 403, 404], early: true },
  // Next routes `.prefetch.rsc` only with partial prerendering (off here): not matched, 404.
  { target: "/admin.prefetch.rsc", expect: [404, 404, 404], early: false },
  { target: "/admin.segments/_tree.segment.rsc", expect: [307, 403, 404], early: true },
  { target: "/_next/data/BUILD/admin.json", expect: [307, 403, 200], early: true },
  // Without the router headers a real client sends, Next answers these with a 307 to its hashed
  // `?_rsc=` form after the middleware ran (for bob, to the rewritten /403, whose page answers 403
  // HTML and a forbidden payload, never the admin page). Real navigations: the Chromium tests below.
  { target: "/admin", headers: { rsc: "1" }, expect: [307, 307, 307], early: true },
  {
    target: "/admin",
    headers: { rsc: "1", "next-router-prefetch": "1" },
    expect: [307, 307, 307],
    early: true,
  },
  { target: "/admin", headers: { purpose: "prefetch" }, expect: [307, 403, 200], early: true },
  {
    target: "/admin",
    headers: { "sec-purpose": "prefetch;prerender" },
    expect: [307, 403, 200],
    early: true,
  },
  { target: "/admin", method: "HEAD", expect: [307, 403, 200], early: true },
  { target: "/admin", method: "OPTIONS", expect: [401, 403, 400], early: true },
];

test.describe("path variants against next start", () => {
  for (const [area, variants] of [
    ["API /api/admin/users", api],
    ["page /admin", pages],
  ] as const) {
    test(`${area}: every variant that reaches the protected code is refused for anonymous and bob`, async () => {
      const buildId = readFileSync(path.resolve(__dirname, "../../.next/BUILD_ID"), "utf8").trim();
      const observed: string[] = [];
      const mismatches: string[] = [];
      const breaches: string[] = [];
      let reachedRows = 0;
      for (const v of variants) {
        const target = v.target.replace("BUILD", buildId);
        const init = { method: v.method ?? "GET", headers: v.headers ?? {} };
        const [anon, bob, alice] = await Promise.all([
          send(target, "anonymous", init),
          send(target, "bob", init),
          send(target, "alice", init),
        ]);
        const label = `${init.method} ${v.target} ${JSON.stringify(init.headers)}`;
        const where = (a: Answer) =>
          `${a.status}${a.early ? "*" : ""}${a.headers.location ? ` -> ${String(a.headers.location)}` : ""}`;
        observed.push(
          `${label}: anonymous ${where(anon)}, bob ${where(bob)}, alice ${where(alice)}`,
        );
        for (const a of [anon, bob, alice]) expect(a.headers["set-cookie"], label).toBeUndefined();
        // The invariant: protected content reached by alice means a refusal for the others.
        const reached =
          alice.status === 200 ||
          alice.status === 204 ||
          (v.method === "HEAD" && alice.status === 200);
        if (reached) reachedRows++;
        if (reached && (![401, 403, 307].includes(anon.status) || bob.status !== 403))
          breaches.push(
            `${label}: alice ${alice.status}, anonymous ${anon.status}, bob ${bob.status}`,
          );
        const got = [anon.status, bob.status, alice.status];
        if (
          got.join() !== v.expect.join() ||
          anon.early !== v.early ||
          bob.early !== v.early ||
          alice.early
        ) {
          mismatches.push(
            `${label}: got ${got.join("/")} early ${anon.early}/${bob.early}/${alice.early}, expected ${v.expect.join("/")} early ${v.early}`,
          );
        }
      }
      await test
        .info()
        .attach(`${area} observed.txt`, { body: observed.join("\n"), contentType: "text/plain" });
      expect(breaches, "protected content reached by anonymous or bob").toEqual([]);
      expect(reachedRows, "rows where alice reaches the protected code").toBeGreaterThan(0);
      expect(mismatches, observed.join("\n")).toEqual([]);
    });
  }
});

test.describe("in Chromium: client-side navigations (RSC requests with the router's own headers)", () => {
  const signInAs = async (
    context: import("@playwright/test").BrowserContext,
    who: Exclude<Who, "anonymous">,
  ) => {
    const [name, ...rest] = cookies[who]!.split("=");
    await context.addCookies([{ name: name!, value: rest.join("="), url: server.url }]);
  };

  test("bob clicks Admin: the 403 page, never the admin list", async ({ page, context }) => {
    await signInAs(context, "bob");
    await page.goto(`${server.url}/dashboard`);
    const rsc = page.waitForResponse(
      (r) =>
        new URL(r.url()).pathname === "/admin" &&
        r.request().headers()["rsc"] === "1" &&
        r.status() !== 307,
    );
    await page.getByRole("navigation").getByRole("link", { name: "Admin" }).click();
    const response = await rsc;
    expect(response.headers()["x-authz-layer"]).toBe("middleware");
    await expect(page.getByRole("heading", { name: /don.t have access/i })).toBeVisible();
    await expect(page.getByText("bob@example.com")).toHaveCount(0);
  });

  test("anonymous clicks Admin: sent to sign-in with callbackUrl=/admin", async ({ page }) => {
    await page.goto(`${server.url}/pricing`);
    await page.getByRole("navigation").getByRole("link", { name: "Admin" }).click();
    await page.waitForURL((url) => url.pathname === "/signin");
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe("/admin");
  });

  test("alice clicks Admin: the admin page", async ({ page, context }) => {
    await signInAs(context, "alice");
    await page.goto(`${server.url}/dashboard`);
    await page.getByRole("navigation").getByRole("link", { name: "Admin" }).click();
    await expect(page.getByRole("heading", { name: "Admin", exact: true })).toBeVisible();
  });
});

test.describe("never a cookie", () => {
  test("middleware pass-through and refusals set none, for any user", async () => {
    for (const who of WHO) {
      for (const target of ["/admin", "/dashboard", "/api/admin/users", "/api/ops/metrics"]) {
        const a = await send(target, who);
        expect(a.headers["set-cookie"], `${who} ${target}`).toBeUndefined();
      }
    }
  });
});

test.describe("CVE-2025-29927: x-middleware-subrequest cannot skip the checks", () => {
  // The header Next once trusted to skip middleware on internal subrequests. Next 16.4 ignores it
  // from clients; whatever it does, the middleware or the handler must still refuse.
  const forged = [
    "middleware",
    "middleware:middleware:middleware:middleware:middleware",
    "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware",
  ];

  test("guarded areas and unmatched guarded routes refuse exactly as without the header", async () => {
    for (const value of forged) {
      const headers = { "x-middleware-subrequest": value };
      const admin = await send("/api/admin/users", "anonymous", { headers });
      expect(admin.status, value).toBe(401);
      expect(json(admin).code).toBe("unauthenticated");
      const adminAsBob = await send("/api/admin/users", "bob", { headers });
      expect(adminAsBob.status, value).toBe(403);
      expect(json(adminAsBob).message).toBe("Requires admin role");
      const page = await send("/admin", "anonymous", { headers });
      expect(page.status, value).toBe(307);
      // Outside the matcher the handler is the only check, and it holds on its own.
      const me = await send("/api/me", "anonymous", { headers });
      expect(me.status, value).toBe(401);
      expect(me.early).toBe(false);
      const doc = await send("/api/documents/doc-acme-1", "carol", { headers });
      expect(doc.status, value).toBe(404);
    }
  });
});
