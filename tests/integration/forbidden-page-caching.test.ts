/**
 * A refused page visit is one user's answer, whatever the 403 page does: with
 * `withAuthorizationConfig`, middleware's rewrite to a *prerendered* `forbiddenPath` page goes out
 * with `Cache-Control: private, no-store`, never the page's own `s-maxage=31536000`, on Next 16
 * and Next 15.5, with and without `next start -H 127.0.0.1`.
 *
 * Why both ways of starting: Next 16.4.6 renders a middleware rewrite in the same request when
 * started without `-H` (the middleware's header is kept), but under `-H 127.0.0.1` it proxies the
 * rewrite to itself (vercel/next.js#94745), and the page's own caching comes back unless the
 * config's header rule sets it. The control path, whose 403 page the config does not name, shows
 * that on a real build.
 */
import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../../lib/authz/testing";
import {
  APP_SECRET,
  BUILD_TIMEOUT_MS,
  linkNodeModules,
  makeProjectDir,
  nextAppFiles,
  nextBuild,
  nextStart,
  removeProjects,
  repo,
  writeFiles,
  type NextAppSpec,
} from "../support/next-project";

const PROJECTS: readonly NextAppSpec[] = [
  {
    id: "n16",
    title: "Next 16 + Auth.js",
    next: "next",
    nextAuth: "next-auth",
    authVersion: 5,
    src: false,
  },
  {
    id: "n15",
    title: "Next 15.5 + Auth.js",
    next: "next-15",
    nextAuth: "next-auth",
    authVersion: 5,
    src: false,
  },
];

/** A fresh app: static layout and pages, a prerendered 403 page, the kit's middleware. */
function projectFiles(p: NextAppSpec, dir: string): Record<string, string> {
  const files = nextAppFiles(p, dir, { name: `authz-forbidden-${p.id}` });
  files["next.config.ts"] = `import { withAuthorizationConfig } from "./lib/authz/next-config";
${files["next.config.ts"]!.replace(
  "export default nextConfig;",
  `export default withAuthorizationConfig(nextConfig, { forbiddenPath: "/403" });`,
)}`;
  files["app/layout.tsx"] =
    `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;
  files["app/forbidden.tsx"] = `export default function Forbidden() {
  return <h1>You may not see this page</h1>;
}
`;
  // Written the obvious way: nothing makes these dynamic, so next build prerenders them.
  const forbiddenPage = `import { forbidden } from "next/navigation";

export default function ForbiddenRewriteTarget(): never {
  forbidden();
}
`;
  files["app/403/page.tsx"] = forbiddenPage;
  files["app/denied/page.tsx"] = forbiddenPage;
  files["app/admin/page.tsx"] = `export default function Admin() {
  return <h1>Admin area</h1>;
}
`;
  files["app/reports/page.tsx"] = `export default function Reports() {
  return <h1>Reports</h1>;
}
`;
  files["lib/access.ts"] = `import { defineAccess, definePathRules } from "@/lib/authz";

export const access = defineAccess({
  roles: { member: { permissions: [] }, admin: { inherits: ["member"], permissions: [] } },
});
export const admin = access.policy({ name: "admin", role: "admin" });
`;
  // Two middlewares, dispatched by path: /admin refuses to /403 (named in next.config), and
  // /reports to /denied (named nowhere: the control).
  files["middleware.ts"] =
    `import { authJsSession, authorizationMiddleware, createAuthz, definePathRules } from "@/lib/authz";
import type { NextRequest } from "next/server";
import { admin } from "@/lib/access";

const authz = createAuthz({ session: authJsSession({ secret: () => process.env.AUTH_SECRET }) });
const named = authorizationMiddleware(authz, {
  rules: definePathRules([{ path: "/admin/**", policy: admin, kind: "page" }]),
  signInPath: "/api/auth/signin",
  forbiddenPath: "/403",
});
const control = authorizationMiddleware(authz, {
  rules: definePathRules([{ path: "/reports/**", policy: admin, kind: "page" }]),
  signInPath: "/api/auth/signin",
  forbiddenPath: "/denied",
});

export default function middleware(request: NextRequest) {
  return request.nextUrl.pathname.startsWith("/admin") ? named(request) : control(request);
}

export const config = { matcher: ["/admin/:path*", "/reports/:path*"] };
`;
  return files;
}

const claims = {
  bob: { sub: "user-bob", email: "bob@example.com", name: "Bob", role: "member" },
  alice: { sub: "user-alice", email: "alice@example.com", name: "Alice", role: "admin" },
};

afterAll(() => removeProjects(process.env.KEEP_COPY_PROJECTS === "1"));

describe.each(PROJECTS)("$title: a refused visit to a prerendered 403 page", (p) => {
  let dir: string;
  let bob: string;
  let alice: string;

  beforeAll(async () => {
    dir = makeProjectDir(`authz-forbidden-${p.id}-`);
    writeFiles(dir, projectFiles(p, dir));
    cpSync(path.join(repo, "lib/authz"), path.join(dir, "lib/authz"), { recursive: true });
    linkNodeModules(dir, p);
    await nextBuild(dir, p, "forbidden-page-caching");
    bob = await sessionCookie(claims.bob, { secret: APP_SECRET, version: 5 });
    alice = await sessionCookie(claims.alice, { secret: APP_SECRET, version: 5 });
  }, BUILD_TIMEOUT_MS);

  it("the build prerendered both 403 pages (the case the config exists for)", () => {
    const manifest = JSON.parse(
      readFileSync(path.join(dir, ".next", "prerender-manifest.json"), "utf8"),
    ) as { routes: Record<string, unknown> };
    expect(Object.keys(manifest.routes)).toEqual(expect.arrayContaining(["/403", "/denied"]));
  });

  describe.each([
    { how: "next start -H 127.0.0.1", hostname: "127.0.0.1" },
    { how: "next start", hostname: null },
  ])("on $how", ({ hostname }) => {
    let url: string;
    beforeAll(async () => {
      ({ url } = await nextStart(dir, p, { hostname }));
    }, BUILD_TIMEOUT_MS);

    it("Bob's refused visit is a private, unstored 403 with the app's 403 page", async () => {
      const res = await fetch(`${url}/admin`, { headers: { cookie: bob }, redirect: "manual" });
      expect(res.status).toBe(403);
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      expect(await res.text()).toContain("You may not see this page");
    });

    it("the 403 page visited directly carries the same caching", async () => {
      const res = await fetch(`${url}/403`);
      expect(res.status).toBe(403);
      expect(res.headers.get("cache-control")).toBe("private, no-store");
    });

    it("control: a 403 page the config does not name keeps the kit's caching only when Next renders in place", async () => {
      const res = await fetch(`${url}/reports`, { headers: { cookie: bob } });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("You may not see this page");
      // Measured on Next 16.4.6 and 15.5.29 alike. If Next stops proxying rewrites under -H, the
      // second value becomes the first and this line says so.
      expect(res.headers.get("cache-control")).toBe(
        hostname === null ? "private, no-store" : "s-maxage=31536000",
      );
    });

    it("Alice passes and an anonymous visit goes to sign-in, uncached", async () => {
      const allowed = await fetch(`${url}/admin`, { headers: { cookie: alice } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain("Admin area");
      const anonymous = await fetch(`${url}/admin`, { redirect: "manual" });
      expect(anonymous.status).toBe(307);
      expect(anonymous.headers.get("location")).toMatch(
        /\/api\/auth\/signin\?callbackUrl=%2Fadmin$/,
      );
      expect(anonymous.headers.get("cache-control")).toBe("no-store");
    });
  });
});
