/**
 * authorizationMiddleware with real `NextRequest`s and real Auth.js session cookies, run in Node:
 * exactly how Next 16's `proxy.ts` runs it. (The Edge runtime is covered by the build and by
 * tests/e2e/middleware.spec.ts against `next start`.)
 */
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { access, pathRules, policies } from "@/lib/access";
import { createAuthz, type Authz } from "@/lib/authz/entry/create-authz";
import {
  authorizationMiddleware,
  MIDDLEWARE_LAYER_HEADER,
  type AuthorizationMiddleware,
} from "@/lib/authz/middleware";
import type { PathRule } from "@/lib/authz/decide/path";
import { sessionCookie } from "@/lib/authz/testing";
import { demoUsers } from "@/lib/demo/users";
import { authzOptions } from "@/lib/authz-edge";
import { expectConfigError } from "../support/config-error";

const secret = "middleware-unit-secret-0123456789abcdef";
process.env.AUTH_SECRET = secret;

type Who = "anonymous" | "alice" | "bob" | "carol";
const cookies: Record<Who, string | undefined> = {
  anonymous: undefined,
  alice: undefined,
  bob: undefined,
  carol: undefined,
};

beforeAll(async () => {
  for (const user of demoUsers) {
    const who = user.name.toLowerCase() as Who;
    // The claims the demo's Auth.js jwt callback writes at sign-in.
    cookies[who] = await sessionCookie(
      {
        sub: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        tenant: user.tenant,
        plan: user.plan,
      },
      { secret },
    );
  }
});

const request = (
  path: string,
  init: { who?: Who; method?: string; headers?: Record<string, string>; cookie?: string } = {},
) => {
  const headers = new Headers(init.headers);
  const cookie = init.cookie ?? (init.who ? cookies[init.who] : undefined);
  if (cookie) headers.set("cookie", cookie);
  // Concatenated: `new URL("//x", base)` would read "x" as a host.
  return new NextRequest(`http://localhost:3000${path}`, { method: init.method ?? "GET", headers });
};

const authz = createAuthz(authzOptions);
const middleware = authorizationMiddleware(authz, {
  rules: pathRules,
  signInPath: "/signin",
  forbiddenPath: "/403",
});

/** No refusal and no pass-through ever sets or refreshes a cookie. */
function expectNoCookie(response: Response | undefined) {
  if (!response) return;
  expect(response.headers.get("set-cookie")).toBeNull();
  expect(response.headers.get("x-middleware-set-cookie")).toBeNull();
  expect(response.headers.getSetCookie()).toEqual([]);
}

describe("API rules: the kit's JSON refusals", () => {
  it("anonymous: 401 with WWW-Authenticate, no-store, no cookie", async () => {
    const response = await middleware(request("/api/admin/users"));
    expect(response?.status).toBe(401);
    expect(response?.headers.get("www-authenticate")).toMatch(/^Cookie realm=/);
    expect(response?.headers.get("cache-control")).toBe("no-store");
    expect(response?.headers.get(MIDDLEWARE_LAYER_HEADER)).toBe("middleware");
    expectNoCookie(response);
    expect(await response?.json()).toEqual({
      error: "Unauthorized",
      message: "Authentication required",
      code: "unauthenticated",
    });
  });

  it.each(["bob", "carol"] as const)("%s (member): 403 Requires admin role", async (who) => {
    const response = await middleware(request("/api/admin/users", { who }));
    expect(response?.status).toBe(403);
    expectNoCookie(response);
    expect(await response?.json()).toEqual({
      error: "Forbidden",
      message: "Requires admin role",
      code: "role_required",
      required_role: "admin",
    });
  });

  it("alice (admin): passes through untouched (undefined: no headers, no cookies)", async () => {
    expect(await middleware(request("/api/admin/users", { who: "alice" }))).toBeUndefined();
    expect(
      await middleware(request("/api/admin/users/user-bob", { who: "alice", method: "DELETE" })),
    ).toBeUndefined();
  });

  it("answers problem+json when asked", async () => {
    const response = await middleware(
      request("/api/admin/users", { who: "bob", headers: { accept: "application/problem+json" } }),
    );
    expect(response?.headers.get("content-type")).toBe("application/problem+json");
    expect(await response?.json()).toMatchObject({
      status: 403,
      code: "role_required",
      title: "Forbidden",
    });
  });

  it("ops API: an address the kit cannot know is refused whoever asks (no trusted proxy configured)", async () => {
    for (const who of ["anonymous", "alice", "bob", "carol"] as const) {
      const response = await middleware(
        request("/api/ops/metrics", { who, headers: { "x-forwarded-for": "127.0.0.1" } }),
      );
      expect(response?.status).toBe(403);
      expect(await response?.json()).toMatchObject({
        code: "ip_not_allowed",
        message: "IP address not allowed",
      });
    }
  });

  it("an expired, forged or garbage session cookie is anonymous: 401", async () => {
    const expired = await sessionCookie(
      { sub: "user-alice", role: "admin" },
      { secret, maxAge: -60 },
    );
    const forged = await sessionCookie(
      { sub: "user-alice", role: "admin" },
      { secret: "not-the-secret-0123456789abcdef0123" },
    );
    for (const cookie of [
      expired,
      forged,
      "authjs.session-token=garbage",
      "authjs.session-token.0=a; authjs.session-token.2=b",
    ]) {
      const response = await middleware(request("/api/admin/users", { cookie }));
      expect(response?.status).toBe(401);
      expectNoCookie(response);
    }
  });

  it("HEAD and OPTIONS (CORS preflight included) are checked like any method", async () => {
    expect((await middleware(request("/api/admin/users", { method: "HEAD" })))?.status).toBe(401);
    const preflight = request("/api/admin/users", {
      method: "OPTIONS",
      headers: { origin: "https://elsewhere.example", "access-control-request-method": "DELETE" },
    });
    expect((await middleware(preflight))?.status).toBe(401);
    expect(
      (await middleware(request("/api/admin/users", { method: "OPTIONS", who: "bob" })))?.status,
    ).toBe(403);
  });

  it("paths outside every rule pass through, whoever asks", async () => {
    for (const path of [
      "/",
      "/api/me",
      "/api/documents/doc-acme-1",
      "/api/auth/csrf",
      "/signin",
      "/403",
      "/administrator",
      "/api/administrator",
    ]) {
      expect(await middleware(request(path))).toBeUndefined();
    }
  });
});

describe("page rules: sign-in redirect and the 403 page", () => {
  it("anonymous GET: 307 to sign-in with a same-origin callbackUrl (path and query), no-store, no cookie", async () => {
    const response = await middleware(request("/admin?tab=users&_rsc=x1"));
    expect(response?.status).toBe(307);
    const location = new URL(response!.headers.get("location")!);
    expect(location.origin).toBe("http://localhost:3000");
    expect(location.pathname).toBe("/signin");
    expect(location.searchParams.get("callbackUrl")).toBe("/admin?tab=users");
    expect(response?.headers.get("cache-control")).toBe("no-store");
    expectNoCookie(response);
  });

  it("never builds an open redirect, whatever the path", async () => {
    // Each of these reads as the /admin area, so each is redirected with its own path as callback.
    for (const path of [
      "//admin",
      "///admin/x",
      "/\\admin",
      "/admin//evil.example",
      "/admin/%2F%2Fevil.example",
      "/admin/%5C%5Cevil.example",
      "//admin?next=//evil.example",
    ]) {
      const response = await middleware(request(path));
      expect(response?.status, path).toBe(307);
      const location = new URL(response!.headers.get("location")!);
      expect(location.origin).toBe("http://localhost:3000");
      const callback = location.searchParams.get("callbackUrl")!;
      expect(callback).toMatch(/^\/(?![/\\])/);
      expect(new URL(callback, "https://app.example").origin).toBe("https://app.example");
    }
  });

  it("anonymous HEAD is redirected too; a POST (server action, form) gets the JSON 401 instead", async () => {
    expect((await middleware(request("/dashboard", { method: "HEAD" })))?.status).toBe(307);
    const action = await middleware(
      request("/admin", { method: "POST", headers: { "next-action": "abc123" } }),
    );
    expect(action?.status).toBe(401);
    expect(await action?.json()).toMatchObject({ code: "unauthenticated" });
  });

  it.each(["bob", "carol"] as const)(
    "%s on /admin: rewritten to the 403 page, URL kept, no cookie",
    async (who) => {
      const response = await middleware(request("/admin/users?x=1", { who }));
      expect(response?.headers.get("x-middleware-rewrite")).toBe("http://localhost:3000/403");
      expect(response?.headers.get("location")).toBeNull();
      expect(response?.headers.get(MIDDLEWARE_LAYER_HEADER)).toBe("middleware");
      expectNoCookie(response);
    },
  );

  it("signed-in users pass /dashboard; alice passes /admin", async () => {
    for (const who of ["alice", "bob", "carol"] as const)
      expect(await middleware(request("/dashboard", { who }))).toBeUndefined();
    expect(await middleware(request("/admin", { who: "alice" }))).toBeUndefined();
  });

  it("RSC, prefetch and data-route requests get the same answer as the page itself", async () => {
    const variants: [string, Record<string, string>][] = [
      ["/admin", { rsc: "1" }],
      ["/admin?_rsc=abc", { rsc: "1", "next-router-state-tree": "%5B%5D" }],
      ["/admin", { "next-router-prefetch": "1", rsc: "1" }],
      ["/admin", { purpose: "prefetch" }],
      ["/admin", { "sec-purpose": "prefetch" }],
      ["/admin.rsc", {}],
      ["/admin.prefetch.rsc", {}],
      ["/admin.segments/_tree.segment.rsc", { "next-router-segment-prefetch": "/_tree" }],
      ["/_next/data/build-id/admin.json", { "x-nextjs-data": "1" }],
    ];
    for (const [path, headers] of variants) {
      expect((await middleware(request(path, { headers })))?.status, path).toBe(307);
      expect(
        (await middleware(request(path, { headers, who: "bob" })))?.headers.get(
          "x-middleware-rewrite",
        ),
        path,
      ).toBe("http://localhost:3000/403");
      expect(await middleware(request(path, { headers, who: "alice" })), path).toBeUndefined();
    }
  });
});

describe("path variants of the protected API (docs/middleware.md)", () => {
  const variants = [
    "/api/admin/users/",
    "/api/admin//users",
    "//api/admin/users",
    "/API/ADMIN/users",
    "/api/Admin/users",
    "/api/%61dmin/users",
    "/api/%2561dmin/users",
    "/api/admin%2Fusers",
    "/api%2Fadmin%2Fusers",
    "/api/me/%2e%2e/admin/users",
    "/api/me/%2e%2e%2fadmin/users",
    "/api/me/..%5Cadmin/users",
    "/api/./admin/users",
    "/api/admin;x/users",
    "/api/admin/users.json",
    "/api/admin/users.rsc",
    "/_next/data/build-id/api/admin/users.json",
    "/api/admin/users?_rsc=1",
    "/api/admin/users/user-bob",
    "/api/admin/users/a%2Fb",
    "/api/admin/%75sers/user-bob",
  ];
  it.each(variants)(
    "%s: refused for anonymous (401) and bob (403), passed for alice",
    async (path) => {
      expect((await middleware(request(path)))?.status).toBe(401);
      expect((await middleware(request(path, { who: "bob" })))?.status).toBe(403);
      expect(await middleware(request(path, { who: "alice" }))).toBeUndefined();
    },
  );
});

describe("rules: every matching rule must allow; methods; order", () => {
  const signedInArea: PathRule<typeof access.declaration> = {
    path: "/x/**",
    policy: policies.signedIn,
    kind: "api",
  };
  const adminCorner: PathRule<typeof access.declaration> = {
    path: "/x/admin/**",
    policy: policies.admin,
    kind: "api",
  };

  it("a broad rule cannot shadow a stricter one, in either order", async () => {
    for (const rules of [
      [signedInArea, adminCorner],
      [adminCorner, signedInArea],
    ]) {
      const mw = authorizationMiddleware(authz, { rules, signInPath: "/signin" });
      expect((await mw(request("/x/admin/y", { who: "bob" })))?.status).toBe(403);
      expect(await mw(request("/x/other", { who: "bob" }))).toBeUndefined();
      expect((await mw(request("/x/admin/y")))?.status).toBe(401);
    }
  });

  it("a method-limited rule applies to its methods only (GET covers HEAD)", async () => {
    const mw = authorizationMiddleware(authz, {
      rules: [{ ...adminCorner, methods: ["DELETE"] }],
      signInPath: "/signin",
    });
    expect(await mw(request("/x/admin/y", { who: "bob" }))).toBeUndefined();
    expect((await mw(request("/x/admin/y", { who: "bob", method: "DELETE" })))?.status).toBe(403);
    const getOnly = authorizationMiddleware(authz, {
      rules: [{ ...adminCorner, methods: ["GET"] }],
      signInPath: "/signin",
    });
    expect((await getOnly(request("/x/admin/y", { who: "bob", method: "HEAD" })))?.status).toBe(
      403,
    );
  });

  it("runs claims checks only: no rate-limit counting, no resource loading in middleware", async () => {
    const stages: unknown[] = [];
    const check: Authz["check"] = (policy, req, options) => {
      stages.push(options);
      return authz.check(policy, req, options);
    };
    const mw = authorizationMiddleware(
      { ...authz, check },
      {
        rules: [{ path: "/api/reports/export", policy: policies.exportReports, kind: "api" }],
        signInPath: "/signin",
      },
    );
    // Ten calls would exhaust a 5/min limit if the middleware counted them.
    for (let i = 0; i < 10; i++)
      expect(
        await mw(request("/api/reports/export", { who: "alice", method: "POST" })),
      ).toBeUndefined();
    expect(stages).toEqual(
      Array.from({ length: 10 }, () => ({ stages: "claims", layer: "middleware" })),
    );
    expect((await mw(request("/api/reports/export", { who: "bob", method: "POST" })))?.status).toBe(
      403,
    );
  });
});

describe("fails closed", () => {
  it("a session reader that throws refuses (500 JSON on an API, the 403 page on a page), never passes", async () => {
    const broken = createAuthz({
      ...authzOptions,
      session: async () => Promise.reject(new Error("store down")),
      onError: () => {},
    });
    const mw = authorizationMiddleware(broken, {
      rules: pathRules,
      signInPath: "/signin",
      forbiddenPath: "/403",
    });
    const api = await mw(request("/api/admin/users", { who: "alice" }));
    expect(api?.status).toBe(500);
    expect(await api?.json()).toEqual({
      error: "Internal Server Error",
      message: "Authorization could not be completed",
      code: "authorization_error",
    });
    expect(
      (await mw(request("/admin", { who: "alice" })))?.headers.get("x-middleware-rewrite"),
    ).toBe("http://localhost:3000/403");
  });

  it("a check that throws (a bug) refuses with 500", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const mw: AuthorizationMiddleware = authorizationMiddleware(
      {
        check: () => Promise.reject(new Error("bug")),
        denialResponse: authz.denialResponse,
      } as unknown as Parameters<typeof authorizationMiddleware>[0],
      { rules: pathRules, signInPath: "/signin", forbiddenPath: "/403" },
    );
    const response = await mw(request("/api/admin/users", { who: "alice" }));
    expect(response?.status).toBe(500);
    expectNoCookie(response);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});

describe("options are checked when the middleware is defined", () => {
  const rules = pathRules;
  it.each([
    [
      "page rules need forbiddenPath",
      () => authorizationMiddleware(authz, { rules, signInPath: "/signin" }),
    ],
    [
      "signInPath",
      () =>
        authorizationMiddleware(authz, {
          rules,
          signInPath: "//evil.example",
          forbiddenPath: "/403",
        }),
    ],
    [
      "signInPath",
      () =>
        authorizationMiddleware(authz, {
          rules,
          signInPath: "https://evil.example/signin",
          forbiddenPath: "/403",
        }),
    ],
    [
      "signInPath",
      () =>
        authorizationMiddleware(authz, {
          rules,
          signInPath: "/\\evil.example",
          forbiddenPath: "/403",
        }),
    ],
    [
      "forbiddenPath",
      () => authorizationMiddleware(authz, { rules, signInPath: "/signin", forbiddenPath: "403" }),
    ],
    [
      "must stay public",
      () =>
        authorizationMiddleware(authz, {
          rules,
          signInPath: "/admin/signin",
          forbiddenPath: "/403",
        }),
    ],
    [
      "must stay public",
      () =>
        authorizationMiddleware(authz, {
          rules,
          signInPath: "/signin",
          forbiddenPath: "/dashboard/403",
        }),
    ],
    [
      "callbackParam",
      () =>
        authorizationMiddleware(authz, {
          rules,
          signInPath: "/signin",
          forbiddenPath: "/403",
          callbackParam: "a&b",
        }),
    ],
    [
      "Invalid path pattern",
      () =>
        authorizationMiddleware(authz, {
          rules: [{ path: "/admin/", policy: policies.admin, kind: "api" }],
          signInPath: "/signin",
        }),
    ],
    [
      "createAuthz",
      () =>
        authorizationMiddleware(undefined as unknown as typeof authz, {
          rules,
          signInPath: "/signin",
        }),
    ],
  ])("TypeError: %s", (message, define) => {
    expect(define).toThrow(TypeError);
    expect(define).toThrow(message);
    const code =
      message === "Invalid path pattern" ? "invalid_path_rule" : "invalid_middleware_options";
    expectConfigError(define, code);
  });
});

describe("the root middleware.ts", () => {
  it("is this factory with the demo's rules", async () => {
    const root = (await import("@/middleware")) as {
      default: AuthorizationMiddleware;
      config: { matcher: string[] };
    };
    expect((await root.default(request("/api/admin/users")))?.status).toBe(401);
    expect((await root.default(request("/admin")))?.status).toBe(307);
    expect(
      (await root.default(request("/admin", { who: "bob" })))?.headers.get("x-middleware-rewrite"),
    ).toMatch(/\/403$/);
    // The demo logs decisions, so a pass hands the request id on to the page and answers with it.
    const passed = await root.default(request("/admin", { who: "alice" }));
    expect(passed?.headers.get("x-middleware-next")).toBe("1");
    expect(passed?.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(passed?.headers.get("x-middleware-request-x-authz-request-id")).toMatch(
      new RegExp(`^${passed?.headers.get("x-request-id")}\\.`),
    );
  });
});
