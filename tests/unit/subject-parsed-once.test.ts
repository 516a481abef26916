/**
 * A session cookie the kit has verified once is remembered by its reader (the same frozen claims);
 * the kit then derives its subject once per access declaration, not on every request. What that
 * must never change: each request's subject is the one its own claims make, a handler cannot alter
 * the subject the next request gets, and two declarations each see their own roles.
 */
import { describe, expect, it } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { authJsSession } from "@/lib/authz/session";
import { sessionCookie } from "@/lib/authz/testing";

const SECRET = "subject-parsed-once-secret-0123456789abcdef";
const request = (cookie: string) =>
  new Request("http://localhost:3000/api/x", { headers: { cookie } });

const app = defineAccess({ roles: { member: {}, admin: { inherits: ["member"] } } });
const other = defineAccess({ roles: { admin: {} } });

describe("the subject of a remembered session", () => {
  it("is the same frozen subject on every request with that cookie, and each cookie's own", async () => {
    const authz = createAuthz({ session: authJsSession({ secret: SECRET }) });
    const policy = app.policy({ name: "members", role: "member" });
    const alice = await sessionCookie({ sub: "u-alice", role: "admin" }, { secret: SECRET });
    const bob = await sessionCookie({ sub: "u-bob", role: "member" }, { secret: SECRET });
    const first = await authz.check(policy, request(alice));
    const second = await authz.check(policy, request(alice));
    const bobs = await authz.check(policy, request(bob));
    if (!first.allowed || !second.allowed || !bobs.allowed) throw new Error("expected allowed");
    expect(second.subject).toBe(first.subject);
    expect(Object.isFrozen(first.subject)).toBe(true);
    expect(first.subject).toMatchObject({ id: "u-alice", roles: ["admin"], credential: "session" });
    expect(bobs.subject).toMatchObject({ id: "u-bob", roles: ["member"] });
    // A handler that tries to promote the subject changes nothing for the next request.
    expect(() => {
      (first.subject as unknown as { roles: string[] }).roles = ["owner"];
    }).toThrow(TypeError);
    expect(() => (first.subject.roles as string[]).push("owner")).toThrow(TypeError);
    expect(() => (first.subject.scopes as string[]).push("admin:all")).toThrow(TypeError);
    const third = await authz.check(policy, request(alice));
    expect(third.allowed && third.subject.roles).toEqual(["admin"]);
  });

  it("is derived per access declaration: another declaration parses the same claims its own way", async () => {
    const authz = createAuthz({ session: authJsSession({ secret: SECRET }) });
    const cookie = await sessionCookie({ sub: "u-carol", role: "member" }, { secret: SECRET });
    const members = await authz.check(app.policy({ name: "m", role: "member" }), request(cookie));
    expect(members.allowed).toBe(true);
    // "member" is no role of the other declaration: there, the same claims make no valid session.
    const admins = await authz.check(other.policy({ name: "a", role: "admin" }), request(cookie));
    expect(admins).toMatchObject({ allowed: false, status: 401, code: "session_invalid" });
    const again = await authz.check(app.policy({ name: "m2", role: "member" }), request(cookie));
    expect(again.allowed && again.subject).toEqual(members.allowed && members.subject);
  });

  it("is made afresh for a reader whose claims are new objects each time", async () => {
    let calls = 0;
    const authz = createAuthz({
      session: async () => (calls++, { sub: "u-dave", role: calls === 1 ? "member" : "admin" }),
    });
    const policy = app.policy({ name: "admins", role: "admin" });
    expect((await authz.check(policy, request(""))).allowed).toBe(false);
    expect((await authz.check(policy, request(""))).allowed).toBe(true);
  });
});
