/**
 * The demo's 403 page says what is missing (lib/demo/refusal.ts, app/forbidden.tsx): the role, or
 * the plan with the upgrade link, unless the policy conceals. The policy's name reaches the page
 * from middleware's 403 rewrite (REFUSED_POLICY_HEADER); since a client can send that header too,
 * the page re-checks the named, declared policy against the visitor's own subject. Subjects are
 * the demo users' own claims parsed by the demo's declaration; the middleware is the demo's
 * configured one, called with real session cookies.
 */
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { access, pathRules, policies } from "@/lib/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { authorizationMiddleware, REFUSED_POLICY_HEADER } from "@/lib/authz/middleware";
import { sessionCookie } from "@/lib/authz/testing";
import { explainRefusal } from "@/lib/demo/refusal";
import { demoUsers } from "@/lib/demo/users";
import { authzOptions } from "@/lib/authz-edge";

const secret = "demo-refusal-secret-0123456789abcdef012";
process.env.AUTH_SECRET = secret;

const claimsOf = (name: string) => {
  const user = demoUsers.find((u) => u.name === name)!;
  return {
    sub: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    tenant: user.tenant,
    plan: user.plan,
  };
};
const subjectOf = (name: string) => access.parseSubject(claimsOf(name));

describe("explainRefusal: what the 403 page may say", () => {
  it("a member refused the admin policy: the role it needs", () => {
    expect(explainRefusal(policies.admin.name, subjectOf("Bob"))).toEqual({
      message: "Requires admin role",
    });
  });

  it("a free-plan member refused a plan feature: the plan and the upgrade link", () => {
    expect(explainRefusal(policies.exportReports.name, subjectOf("Bob"))).toEqual({
      message: "Requires pro plan",
      upgrade: { plan: "pro", url: "/pricing" },
    });
  });

  it("says nothing when the visitor is not refused by that policy (a forged header)", () => {
    expect(explainRefusal(policies.admin.name, subjectOf("Alice"))).toBeNull();
    expect(explainRefusal(policies.exportReports.name, subjectOf("Carol"))).toBeNull();
  });

  it("says nothing for a policy that conceals, an unknown name, or no visitor", () => {
    for (const concealing of [policies.orgMembers, policies.manageUser, policies.readDocument])
      expect(explainRefusal(concealing.name, subjectOf("Bob")), concealing.name).toBeNull();
    expect(explainRefusal("no-such-policy", subjectOf("Bob"))).toBeNull();
    expect(explainRefusal(null, subjectOf("Bob"))).toBeNull();
    expect(explainRefusal(policies.admin.name, null)).toBeNull();
    // An address refusal is not the visitor's claims: generic.
    expect(explainRefusal(policies.opsMetrics.name, subjectOf("Bob"))).toBeNull();
  });
});

describe("middleware hands the refusing policy's name to the 403 page", () => {
  let middleware: ReturnType<typeof authorizationMiddleware>;
  beforeAll(() => {
    middleware = authorizationMiddleware(createAuthz(authzOptions), {
      rules: pathRules,
      signInPath: "/signin",
      forbiddenPath: "/403",
    });
  });

  it("a member's visit to /admin: rewritten to /403 with the admin policy's name, overwriting a client's", async () => {
    const cookie = await sessionCookie(claimsOf("Bob"), { secret });
    const response = await middleware(
      new NextRequest("http://localhost:3000/admin", {
        headers: { cookie, [REFUSED_POLICY_HEADER]: "forged" },
      }),
    );
    expect(new URL(response!.headers.get("x-middleware-rewrite")!).pathname).toBe("/403");
    const forwarded = response!.headers.get(
      `x-middleware-request-${REFUSED_POLICY_HEADER.toLowerCase()}`,
    );
    expect(forwarded).toBe(policies.admin.name);
    expect(explainRefusal(forwarded, subjectOf("Bob"))?.message).toBe("Requires admin role");
  });

  it("an anonymous visit is a sign-in redirect and names no policy", async () => {
    const response = await middleware(new NextRequest("http://localhost:3000/admin"));
    expect(response?.status).toBe(307);
    expect(
      response!.headers.get(`x-middleware-request-${REFUSED_POLICY_HEADER.toLowerCase()}`),
    ).toBeNull();
  });
});
