/**
 * Escaped `[org]` segments read the same everywhere (lib/authz/org/segment.ts). Next hands one URL
 * segment to a route handler decoded once and to a page decoded and encoded again; the kit decodes
 * the page's value once more, so both layers look up the same org. One corpus of URL segments runs
 * through both: what each layer receives comes from Next's own router code (the route matcher that
 * decodes params, and the page's `getDynamicParam`), and the decision from the real route handler
 * wrapper and the real page guard, with memberships in orgs whose ids need escaping.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getRouteMatcher } from "next/dist/shared/lib/router/utils/route-matcher";
import { getRouteRegex } from "next/dist/shared/lib/router/utils/route-regex";
import { getDynamicParam } from "next/dist/shared/lib/router/utils/get-dynamic-param";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { orgFromSegment } from "@/lib/authz/org/segment";
import { authJsSession } from "@/lib/authz/session";
import { memoryMembershipStore } from "@/lib/authz/subject/memory";
import { subjectFreshness } from "@/lib/authz/subject/freshness";
import { routeContext, sessionCookie } from "@/lib/authz/testing";

const incoming = { headers: new Headers() };
vi.mock("next/headers", () => ({ headers: async () => incoming.headers }));
const { createPageGuard } = await import("@/lib/authz/server");

const SECRET = "org-segment-test-secret-0123456789abcdef";

// Org ids a member may hold, several of which a URL must escape.
const ORGS = [
  "acme",
  "a b",
  "a:b",
  "a@b",
  "a+b",
  "a/b",
  "a%41",
  "ünïcødé",
  "(x)!*'~",
  "a?b#c",
  "a\\b",
  "日本",
];

const access = defineAccess({
  roles: { member: {} },
  orgRoles: { member: {}, admin: { inherits: ["member"] } },
});
const orgPolicy = access.policy({ name: "org-docs", org: { segment: "org", role: "member" } });
const authz = createAuthz({
  session: authJsSession({ secret: SECRET }),
  subjects: subjectFreshness({
    source: memoryMembershipStore({
      "u-m": Object.fromEntries(ORGS.map((org) => [org, "member"])),
    }),
  }),
});
const { authorize } = createPageGuard(authz, { signInPath: "/signin" });
const route = authz.withAuthorization(orgPolicy, async (_request, { subject }) =>
  Response.json({ org: subject.org.id }),
);

// Every id as a browser would escape it, and the same ids escaped in other ways a client may send.
const CORPUS = [
  ...ORGS.map(encodeURIComponent),
  ...ORGS.map(encodeURI).filter((s) => !s.includes("/") && !s.includes("?") && !s.includes("#")),
  "%61cme",
  "%61%63%6D%65",
  "ACME",
  "a%20b",
  "a+b",
  "a%2Bb",
  "a%2fb",
  "a%41",
  "a%2541",
  "%2561cme",
  "a%3ab",
  "%C3%BC",
  "%FC",
  "%E0%A4%A",
  "a%",
  "%00",
  "acme%00",
  ".",
  "..",
  "%2e%2e",
  "globex",
];

const matchOrgRoute = getRouteMatcher(getRouteRegex("/orgs/[org]"));

/** What Next hands the route handler for a URL segment, or null when Next refuses the URL itself. */
function routeParam(segment: string): string | null {
  try {
    const params = matchOrgRoute(`/orgs/${segment}`);
    return params && typeof params.org === "string" ? params.org : null;
  } catch {
    return null; // DecodeError: Next refuses the URL before any page or handler runs
  }
}

/** What Next hands the page for the same segment: the route's value, encoded for the page. */
function pageParam(routeValue: string): string {
  const { value } = getDynamicParam({ org: routeValue }, "org", "d", null, null);
  if (typeof value !== "string") throw new Error("expected one string");
  return value;
}

beforeAll(async () => {
  const cookie = await sessionCookie({ sub: "u-m", role: "member" }, { secret: SECRET });
  incoming.headers = new Headers({ cookie, "x-forwarded-proto": "http" });
});

/** The route handler's answer: the org it acted in, or the refusal's status. */
async function viaRoute(routeValue: string): Promise<string> {
  const request = new Request("http://app.test/api/orgs/x/documents", {
    headers: incoming.headers,
  });
  const response = await route(request, routeContext({ org: routeValue }));
  if (response.status !== 200) return `refused ${response.status}`;
  return `org ${((await response.json()) as { org: string }).org}`;
}

/** The page's answer: the org it rendered, or the refusal (`notFound()` is the 404 digest). */
async function viaPage(pageValue: string): Promise<string> {
  return authorize(orgPolicy, { path: `/orgs/${pageValue}`, org: pageValue }).then(
    (subject) => `org ${subject.org.id}`,
    (error: { digest?: string }) =>
      error.digest?.startsWith("NEXT_HTTP_ERROR_FALLBACK;404") ? "refused 404" : String(error),
  );
}

describe("orgFromSegment", () => {
  it("a route value is the org id as it is; a page value is decoded once", () => {
    expect(orgFromSegment("a:b", "route")).toBe("a:b");
    expect(orgFromSegment("a%3Ab", "page")).toBe("a:b");
    // Decoded once, never twice: a literal "%41" in an id stays.
    expect(orgFromSegment("a%41", "route")).toBe("a%41");
    expect(orgFromSegment("a%2541", "page")).toBe("a%41");
  });

  it("anything but one string, or a malformed escape, is no org", () => {
    for (const source of ["route", "page"] as const) {
      expect(orgFromSegment(["acme"], source)).toBeNull();
      expect(orgFromSegment(undefined, source)).toBeNull();
      expect(orgFromSegment(42, source)).toBeNull();
    }
    expect(orgFromSegment("%E0%A4%A", "page")).toBeNull();
    expect(orgFromSegment("a%", "page")).toBeNull();
  });
});

describe("escaped org segments read the same in pages and route handlers", () => {
  it.each(CORPUS)("/orgs/%s", async (segment) => {
    const routeValue = routeParam(segment);
    if (routeValue === null) {
      // Next refuses the URL itself for pages and handlers alike: nothing of ours runs.
      expect(() => decodeURIComponent(segment)).toThrow();
      return;
    }
    const page = pageParam(routeValue);
    expect(orgFromSegment(page, "page")).toBe(orgFromSegment(routeValue, "route"));
    expect(await viaPage(page)).toBe(await viaRoute(routeValue));
  });

  it("not vacuous: every escaped member org is allowed in both, other ids refused in both", async () => {
    for (const org of ORGS) {
      const routeValue = routeParam(encodeURIComponent(org))!;
      expect(await viaRoute(routeValue), org).toBe(`org ${org}`);
      expect(await viaPage(pageParam(routeValue)), org).toBe(`org ${org}`);
    }
    expect(await viaPage(pageParam(routeParam("a%2542")!))).toBe("refused 404");
    expect(await viaRoute(routeParam("a%2542")!)).toBe("refused 404");
  });
});
