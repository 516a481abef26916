/**
 * The organizations contract (README, "Organizations"), handler by handler with real `Request`s and real Auth.js
 * session cookies: every row of the endpoint table for every demo user (and anonymous) in every org
 * (and one that does not exist), computed from the membership table; the concealing 404 compared
 * byte for byte; the active org from the route segment only; 200 interleaved requests of one
 * session across two orgs; and changes that take effect on the next request (membership removed,
 * role changed, account deleted through the existing admin endpoint).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DEMO_CLAIMS } from "../support/demo-sessions";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";

const SECRET = "org-api-integration-secret-0123456789abcdef";
const CHALLENGE =
  'Cookie realm="next-authz-kit demo", form-action="/signin", cookie-name="authjs.session-token"';

async function loadDemo() {
  vi.resetModules();
  for (const [name, value] of Object.entries({
    AUTH_SECRET: SECRET,
    REDIS_URL: undefined,
    VERCEL: undefined,
    TRUSTED_PROXY_HOPS: undefined,
    TRUSTED_PROXY_CIDRS: undefined,
  }))
    vi.stubEnv(name, value);
  const [documents, document, members, member, me, adminUser, store, users] = await Promise.all([
    import("@/app/api/orgs/[org]/documents/route"),
    import("@/app/api/orgs/[org]/documents/[id]/route"),
    import("@/app/api/orgs/[org]/members/route"),
    import("@/app/api/orgs/[org]/members/[userId]/route"),
    import("@/app/api/me/route"),
    import("@/app/api/admin/users/[id]/route"),
    import("@/lib/demo/store"),
    import("@/lib/demo/users"),
  ]);
  return { documents, document, members, member, me, adminUser, store, users };
}
type Demo = Awaited<ReturnType<typeof loadDemo>>;

// --- The contract's tables, as data ----------------------------------------------------------
type User = keyof typeof DEMO_CLAIMS;
type Who = User | "anonymous";
const USERS = ["alice", "bob", "carol", "dave"] as const satisfies readonly User[];
const WHO: readonly Who[] = ["anonymous", ...USERS];
const ORGS = ["acme", "globex", "initech"] as const; // initech does not exist
const MEMBERSHIPS: Record<User, Readonly<Record<string, "member" | "admin">>> = {
  alice: { acme: "admin" },
  bob: { acme: "member" },
  carol: { globex: "member" },
  dave: { acme: "member", globex: "admin" },
};
const DOCS = {
  "doc-acme-1": { org: "acme", owner: "user-bob" },
  "doc-acme-2": { org: "acme", owner: "user-alice" },
  "doc-acme-3": { org: "acme", owner: "user-bob" },
  "doc-globex-1": { org: "globex", owner: "user-carol" },
  "doc-globex-2": { org: "globex", owner: "user-carol" },
  "doc-globex-3": { org: "globex", owner: "user-dave" },
} as const;
const DOC_IDS = [...Object.keys(DOCS), "doc-nope"];
const roleIn = (who: Who, org: string) => (who === "anonymous" ? undefined : MEMBERSHIPS[who][org]);

const refusal = {
  unauthenticated: {
    error: "Unauthorized",
    message: "Authentication required",
    code: "unauthenticated",
  },
  revoked: {
    error: "Unauthorized",
    message: "Session is not valid; sign in again",
    code: "session_invalid",
  },
  notFound: { error: "Not Found", message: "Resource not found", code: "not_found" },
  orgAdmin: {
    error: "Forbidden",
    message: "Requires admin role in this organization",
    code: "org_role_required",
    required_org_role: "admin",
  },
  lastAdmin: (org: string) => ({
    error: "Conflict",
    message: "An organization must keep at least one admin",
    code: "last_org_admin",
    org,
  }),
  ownerOrAdmin: {
    error: "Forbidden",
    message: "Requires resource owner or admin role in this organization",
    code: "org_role_required",
    required_org_role: "admin",
  },
} as const;

const cookies = {} as Record<Who, string | undefined>;
beforeAll(async () => {
  // auth_time as the demo's sign-in writes it: the admin delete needs a sign-in within 10 minutes.
  const signedInAt = Math.floor(Date.now() / 1000);
  for (const who of USERS)
    cookies[who] = await sessionCookie(
      { ...DEMO_CLAIMS[who], auth_time: signedInAt },
      { secret: SECRET },
    );
});
afterAll(() => vi.unstubAllEnvs());

async function expectRefused(response: Response, status: number, body: object) {
  const text = await response.text();
  expect({ status: response.status, body: JSON.parse(text) }).toEqual({ status, body });
  expect(text).toBe(JSON.stringify(body));
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("set-cookie")).toBeNull();
  expect(response.headers.get("www-authenticate")).toBe(status === 401 ? CHALLENGE : null);
}

// Every answer carries its own X-Request-Id (the decision log's id for the request): the one header
// that differs by design, so it is left out of byte-for-byte comparisons.
const snapshot = async (r: Response) => ({
  status: r.status,
  headers: [...r.headers].filter(([name]) => name !== "x-request-id"),
  body: await r.text(),
});

// --- Calls -------------------------------------------------------------------------------------
const api = {
  listDocuments: (d: Demo, who: Who, org: string, init: Parameters<typeof requestFor>[1] = {}) =>
    d.documents.GET(
      requestFor(`/api/orgs/${org}/documents`, { cookie: cookies[who], ...init }),
      routeContext({ org }),
    ),
  getDocument: (d: Demo, who: Who, org: string, id: string) =>
    d.document.GET(
      requestFor(`/api/orgs/${org}/documents/${id}`, { cookie: cookies[who] }),
      routeContext({ org, id }),
    ),
  deleteDocument: (d: Demo, who: Who, org: string, id: string) =>
    d.document.DELETE(
      requestFor(`/api/orgs/${org}/documents/${id}`, { method: "DELETE", cookie: cookies[who] }),
      routeContext({ org, id }),
    ),
  listMembers: (d: Demo, who: Who, org: string) =>
    d.members.GET(
      requestFor(`/api/orgs/${org}/members`, { cookie: cookies[who] }),
      routeContext({ org }),
    ),
  putMember: (d: Demo, who: Who, org: string, userId: string, json: unknown) =>
    d.member.PUT(
      requestFor(`/api/orgs/${org}/members/${userId}`, {
        method: "PUT",
        cookie: cookies[who],
        json,
      }),
      routeContext({ org, userId }),
    ),
  deleteMember: (d: Demo, who: Who, org: string, userId: string) =>
    d.member.DELETE(
      requestFor(`/api/orgs/${org}/members/${userId}`, {
        method: "DELETE",
        cookie: cookies[who],
      }),
      routeContext({ org, userId }),
    ),
};

const membersOf = (org: string) =>
  USERS.filter((u) => MEMBERSHIPS[u][org] !== undefined).map((u) => ({
    userId: DEMO_CLAIMS[u].sub,
    email: DEMO_CLAIMS[u].email,
    role: MEMBERSHIPS[u][org],
  }));

describe("organizations API: every row of the contract, for every user, in every org", () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await loadDemo();
  });
  beforeEach(async () => {
    await demo.store.documentStore.reset();
    demo.store.userStore.reset(); // also resets the memberships to the seed
  });

  const cases = WHO.flatMap((who) => ORGS.map((org) => [who, org] as const));

  it.each(cases)("GET /api/orgs/[org]/documents as %s in %s", async (who, org) => {
    const response = await api.listDocuments(demo, who, org);
    if (who === "anonymous") return expectRefused(response, 401, refusal.unauthenticated);
    if (roleIn(who, org) === undefined) return expectRefused(response, 404, refusal.notFound);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { org: string; documents: { id: string }[] };
    expect(body.org).toBe(org);
    // Newest first: the seed's documents were created in the order DOCS lists them.
    expect(body.documents.map((d) => d.id)).toEqual(
      Object.entries(DOCS)
        .filter(([, d]) => d.org === org)
        .map(([id]) => id)
        .reverse(),
    );
  });

  it.each(cases)("GET /api/orgs/[org]/documents/[id] as %s in %s, every id", async (who, org) => {
    for (const id of DOC_IDS) {
      const response = await api.getDocument(demo, who, org, id);
      const doc = DOCS[id as keyof typeof DOCS];
      if (who === "anonymous") await expectRefused(response, 401, refusal.unauthenticated);
      else if (roleIn(who, org) === undefined || doc?.org !== org)
        await expectRefused(response, 404, refusal.notFound);
      else {
        expect(response.status).toBe(200);
        expect(((await response.json()) as { document: { id: string } }).document.id).toBe(id);
      }
    }
  });

  it.each(cases)(
    "DELETE /api/orgs/[org]/documents/[id] as %s in %s, every id",
    async (who, org) => {
      for (const id of DOC_IDS) {
        await demo.store.documentStore.reset();
        const response = await api.deleteDocument(demo, who, org, id);
        const doc = DOCS[id as keyof typeof DOCS];
        const role = roleIn(who, org);
        if (who === "anonymous") await expectRefused(response, 401, refusal.unauthenticated);
        else if (role === undefined || doc?.org !== org)
          await expectRefused(response, 404, refusal.notFound);
        else if (doc.owner === DEMO_CLAIMS[who].sub || role === "admin") {
          expect(response.status).toBe(204);
          expect(await demo.store.documentStore.get(id)).toBeNull();
          continue;
        } else await expectRefused(response, 403, refusal.ownerOrAdmin);
        if (doc) expect(await demo.store.documentStore.get(id)).not.toBeNull();
      }
    },
  );

  it.each(cases)("GET /api/orgs/[org]/members as %s in %s", async (who, org) => {
    const response = await api.listMembers(demo, who, org);
    const role = roleIn(who, org);
    if (who === "anonymous") return expectRefused(response, 401, refusal.unauthenticated);
    if (role === undefined) return expectRefused(response, 404, refusal.notFound);
    if (role !== "admin") return expectRefused(response, 403, refusal.orgAdmin);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ members: membersOf(org) });
  });

  it.each(cases)("PUT /api/orgs/[org]/members/[userId] as %s in %s", async (who, org) => {
    const role = roleIn(who, org);
    for (const target of [...USERS, "nobody"] as const) {
      demo.store.userStore.reset();
      const userId = target === "nobody" ? "user-nobody" : DEMO_CLAIMS[target].sub;
      const response = await api.putMember(demo, who, org, userId, { role: "admin" });
      if (who === "anonymous") await expectRefused(response, 401, refusal.unauthenticated);
      else if (role === undefined) await expectRefused(response, 404, refusal.notFound);
      else if (role !== "admin") await expectRefused(response, 403, refusal.orgAdmin);
      else if (target === "nobody") await expectRefused(response, 404, refusal.notFound);
      else {
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({
          member: { userId, email: DEMO_CLAIMS[target].email, role: "admin" },
        });
        // The new membership shows in the org's list at once.
        const list = (await (await api.listMembers(demo, who, org)).json()) as {
          members: { userId: string; role: string }[];
        };
        expect(list.members).toContainEqual({
          userId,
          email: DEMO_CLAIMS[target].email,
          role: "admin",
        });
      }
    }
  });

  it.each(cases)("DELETE /api/orgs/[org]/members/[userId] as %s in %s", async (who, org) => {
    const role = roleIn(who, org);
    for (const target of [...USERS, "nobody"] as const) {
      demo.store.userStore.reset();
      const userId = target === "nobody" ? "user-nobody" : DEMO_CLAIMS[target].sub;
      const response = await api.deleteMember(demo, who, org, userId);
      if (who === "anonymous") await expectRefused(response, 401, refusal.unauthenticated);
      else if (role === undefined) await expectRefused(response, 404, refusal.notFound);
      else if (role !== "admin") await expectRefused(response, 403, refusal.orgAdmin);
      else if (target === "nobody" || roleIn(target, org) === undefined)
        await expectRefused(response, 404, refusal.notFound);
      // Each seeded org has one admin: removing them would leave it with none.
      else if (roleIn(target, org) === "admin")
        await expectRefused(response, 409, refusal.lastAdmin(org));
      else expect(response.status).toBe(204);
    }
  });

  it("PUT with a bad body: 400 with issues (for an admin), the membership unchanged", async () => {
    for (const json of [{ role: "owner" }, {}, { role: "admin", extra: 1 }, "admin"]) {
      const response = await api.putMember(demo, "dave", "globex", "user-bob", json);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { code: string; issues: unknown[] };
      expect(body.code).toBe("invalid_request");
      expect(body.issues.length).toBeGreaterThan(0);
    }
    // A non-member's bad body is still the concealing 404: the org check comes first.
    await expectRefused(
      await api.putMember(demo, "bob", "globex", "user-bob", { role: "owner" }),
      404,
      refusal.notFound,
    );
    expect(await (await api.listMembers(demo, "dave", "globex")).json()).toEqual({
      members: membersOf("globex"),
    });
  });

  it("the 404 for a non-member is byte-identical to the 404 for an org that does not exist", async () => {
    for (const who of USERS) {
      const unknown = await snapshot(await api.listDocuments(demo, who, "initech"));
      expect(unknown.status).toBe(404);
      for (const org of ORGS) {
        if (roleIn(who, org) !== undefined) continue;
        expect(await snapshot(await api.listDocuments(demo, who, org))).toEqual(unknown);
        expect(await snapshot(await api.getDocument(demo, who, org, "doc-acme-1"))).toEqual(
          unknown,
        );
        expect(await snapshot(await api.listMembers(demo, who, org))).toEqual(unknown);
        expect(
          await snapshot(await api.putMember(demo, who, org, "user-bob", { role: "member" })),
        ).toEqual(unknown);
      }
    }
  });
});

describe("the active org is the route segment, nothing else", () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await loadDemo();
  });

  it("?org=, ?nxtPorg=, a header, a cookie or a body naming another org change nothing", async () => {
    const tricks = {
      headers: { "x-org": "globex", "x-active-org": "globex", cookie: "" },
    };
    for (const path of ["?org=globex", "?nxtPorg=globex", "?nxtP[org]=globex&org[]=globex"]) {
      const response = await demo.documents.GET(
        requestFor(`/api/orgs/acme/documents${path}`, {
          cookie: `${cookies.bob}; org=globex; active-org=globex`,
          headers: tricks.headers,
          method: "GET",
        }),
        routeContext({ org: "acme" }),
      );
      expect(((await response.json()) as { org: string }).org).toBe("acme");
      // bob is not in globex: naming it anywhere but the segment does not let him in either.
      const refused = await demo.documents.GET(
        requestFor(`/api/orgs/globex/documents?org=acme&nxtPorg=acme`, {
          cookie: `${cookies.bob}; org=acme`,
          headers: { "x-org": "acme" },
        }),
        routeContext({ org: "globex" }),
      );
      await expectRefused(refused, 404, refusal.notFound);
    }
    const put = await api.putMember(demo, "dave", "acme", "user-carol", {
      role: "admin",
      org: "globex",
    });
    expect(put.status).toBe(403); // dave is a member of acme: the body's org is not read
  });

  it("a catch-all-shaped segment (an array) is no org", async () => {
    const response = await demo.documents.GET(
      requestFor("/api/orgs/acme/documents", { cookie: cookies.dave }),
      routeContext({ org: ["acme"] }),
    );
    await expectRefused(response, 404, refusal.notFound);
  });

  it("200 interleaved requests of one session across two orgs: 0 carry the other org's data", async () => {
    const orgs = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? "acme" : "globex"));
    const answers = await Promise.all(orgs.map((org) => api.listDocuments(demo, "dave", org)));
    let leaks = 0;
    for (const [i, response] of answers.entries()) {
      expect(response.status).toBe(200);
      const body = (await response.json()) as { org: string; documents: { tenantId: string }[] };
      if (body.org !== orgs[i] || body.documents.some((d) => d.tenantId !== orgs[i])) leaks++;
    }
    expect(leaks).toBe(0);
  });
});

describe("changes take effect on the caller's next request", () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await loadDemo();
  });
  beforeEach(() => demo.store.userStore.reset());

  it("dave removes carol from globex: her next request is the non-member 404", async () => {
    expect((await api.listDocuments(demo, "carol", "globex")).status).toBe(200);
    expect((await api.deleteMember(demo, "dave", "globex", "user-carol")).status).toBe(204);
    await expectRefused(await api.listDocuments(demo, "carol", "globex"), 404, refusal.notFound);
  });

  it("a promotion and a demotion show on the next request", async () => {
    await expectRefused(await api.listMembers(demo, "carol", "globex"), 403, refusal.orgAdmin);
    await api.putMember(demo, "dave", "globex", "user-carol", { role: "admin" });
    expect((await api.listMembers(demo, "carol", "globex")).status).toBe(200);
    await api.putMember(demo, "carol", "globex", "user-dave", { role: "member" });
    await expectRefused(await api.listMembers(demo, "dave", "globex"), 403, refusal.orgAdmin);
  });

  it("an account deleted through DELETE /api/admin/users/[id] is refused 401 everywhere", async () => {
    expect(
      (await demo.me.GET(requestFor("/api/me", { cookie: cookies.bob }), routeContext())).status,
    ).toBe(200);
    const deleted = await demo.adminUser.DELETE(
      requestFor("/api/admin/users/user-bob", { method: "DELETE", cookie: cookies.alice }),
      routeContext({ id: "user-bob" }),
    );
    expect(deleted.status).toBe(204);
    await expectRefused(
      await demo.me.GET(requestFor("/api/me", { cookie: cookies.bob }), routeContext()),
      401,
      refusal.revoked,
    );
    await expectRefused(await api.listDocuments(demo, "bob", "acme"), 401, refusal.revoked);
    // Deleting the admin's own account works the same way, once acme has another admin.
    expect(
      (await api.putMember(demo, "alice", "acme", "user-dave", { role: "admin" })).status,
    ).toBe(200);
    const own = await demo.adminUser.DELETE(
      requestFor("/api/admin/users/user-alice", { method: "DELETE", cookie: cookies.alice }),
      routeContext({ id: "user-alice" }),
    );
    expect(own.status).toBe(204);
    await expectRefused(
      await demo.me.GET(requestFor("/api/me", { cookie: cookies.alice }), routeContext()),
      401,
      refusal.revoked,
    );
  });
});

describe("organizations keep an admin (409 last_org_admin)", () => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await loadDemo();
  });
  beforeEach(() => demo.store.userStore.reset());

  const adminsOf = async (org: string, who: Who) => {
    const list = (await (await api.listMembers(demo, who, org)).json()) as {
      members: { userId: string; role: string }[];
    };
    return list.members.filter((m) => m.role === "admin").map((m) => m.userId);
  };

  it("the last admin cannot demote or remove themself; nothing changes", async () => {
    await expectRefused(
      await api.putMember(demo, "dave", "globex", "user-dave", { role: "member" }),
      409,
      refusal.lastAdmin("globex"),
    );
    await expectRefused(
      await api.deleteMember(demo, "dave", "globex", "user-dave"),
      409,
      refusal.lastAdmin("globex"),
    );
    expect(await adminsOf("globex", "dave")).toEqual(["user-dave"]);
    // The refusal shape follows the client's Accept, like every kit refusal.
    const problem = await demo.member.DELETE(
      requestFor("/api/orgs/acme/members/user-alice", {
        method: "DELETE",
        cookie: cookies.alice,
        headers: { accept: "application/problem+json" },
      }),
      routeContext({ org: "acme", userId: "user-alice" }),
    );
    expect(problem.status).toBe(409);
    expect(problem.headers.get("content-type")).toBe("application/problem+json");
    expect(await problem.json()).toMatchObject({
      title: "Conflict",
      status: 409,
      code: "last_org_admin",
      org: "acme",
    });
  });

  it("an admin may grant admin; then either admin may step down, but not both", async () => {
    expect(
      (await api.putMember(demo, "dave", "globex", "user-carol", { role: "admin" })).status,
    ).toBe(200);
    expect(
      (await api.putMember(demo, "dave", "globex", "user-dave", { role: "member" })).status,
    ).toBe(200);
    expect(await adminsOf("globex", "carol")).toEqual(["user-carol"]);
    await expectRefused(
      await api.putMember(demo, "carol", "globex", "user-carol", { role: "member" }),
      409,
      refusal.lastAdmin("globex"),
    );
    await expectRefused(
      await api.deleteMember(demo, "carol", "globex", "user-carol"),
      409,
      refusal.lastAdmin("globex"),
    );
    // Removing a member who is no admin is always possible.
    expect((await api.deleteMember(demo, "carol", "globex", "user-dave")).status).toBe(204);
  });

  it("a member cannot leave by themself: the contract's 403 (an admin removes members)", async () => {
    await expectRefused(
      await api.deleteMember(demo, "bob", "acme", "user-bob"),
      403,
      refusal.orgAdmin,
    );
  });

  it("deleting the account of an org's last admin is refused too, and the account stays", async () => {
    const remove = (id: string) =>
      demo.adminUser.DELETE(
        requestFor(`/api/admin/users/${id}`, { method: "DELETE", cookie: cookies.alice }),
        routeContext({ id }),
      );
    // dave is acme's member and globex's only admin; alice is acme's only admin.
    await expectRefused(await remove("user-dave"), 409, refusal.lastAdmin("globex"));
    await expectRefused(await remove("user-alice"), 409, refusal.lastAdmin("acme"));
    expect((await demo.store.userStore.list("acme")).map((u) => u.id)).toEqual([
      "user-alice",
      "user-bob",
      "user-dave",
    ]);
    expect((await api.listMembers(demo, "dave", "globex")).status).toBe(200);
    expect(
      (await demo.me.GET(requestFor("/api/me", { cookie: cookies.alice }), routeContext())).status,
    ).toBe(200);
  });
});
