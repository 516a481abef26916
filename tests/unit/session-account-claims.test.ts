/**
 * session/account-claims.ts on a real database: nextjs/saas-starter's tables (users, teams,
 * team_members) in PGlite, its session cookie signed by jose's SignJWT and verified by the kit's
 * `signedCookie`. Roles, tenant and plan come from the database by the session's numeric id, never
 * the cookie; the cache follows subject freshness (bounded age, invalidation, failures not cached).
 */
import { PGlite } from "@electric-sql/pglite";
import { SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defineAccess } from "../../lib/authz/decide/access";
import { AuthzConfigError } from "../../lib/authz/errors";
import { accountClaims } from "../../lib/authz/session/account-claims";
import { signedCookie } from "../../lib/authz/session/signed-cookie";

const SECRET = "saas-starter-secret-0123456789abcdef0123456789";
const access = defineAccess({
  roles: { member: { permissions: [] }, admin: { inherits: ["member"] } },
  plans: { free: { features: [] }, pro: { features: ["export"] } },
});

let db: PGlite;
let queries = 0;
let failNext = false;
let clock = 1_000_000;

/** What an app writes: its own query, its own role names mapped to the declaration's. */
async function load(id: string) {
  queries++;
  if (failNext) {
    failNext = false;
    throw new Error("connection terminated");
  }
  const { rows } = await db.query<{ role: string; team_id: number; plan_name: string | null }>(
    `select m.role, m.team_id, t.plan_name from users u
       join team_members m on m.user_id = u.id join teams t on t.id = m.team_id
      where u.id = $1 and u.deleted_at is null`,
    [Number(id)],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    role: row.role === "owner" ? "admin" : "member",
    tenant: `team-${row.team_id}`,
    plan: row.plan_name === "Pro" ? "pro" : "free",
  };
}

const source = accountClaims({
  session: signedCookie({ secret: SECRET }),
  load,
  maxAgeMs: 5_000,
  now: () => clock,
});

/** saas-starter's `setSession`: `{ user: { id }, expires }`, HS256, a day long. */
async function cookieFor(payload: Record<string, unknown>, secret = SECRET) {
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("1 day from now")
    .sign(new TextEncoder().encode(secret));
  return new Request("http://localhost:3000/dashboard", {
    headers: { cookie: `session=${token}` },
  });
}

async function subjectOf(request: Request) {
  const outcome = await source.read(request);
  if (outcome.status !== "ok") return outcome;
  return access.parseSubject(outcome.auth.claims);
}

beforeAll(async () => {
  db = new PGlite();
  await db.exec(`
    create table users (id serial primary key, email text not null, deleted_at timestamp);
    create table teams (id serial primary key, name text not null, plan_name text);
    create table team_members (id serial primary key, user_id integer not null references users(id),
      team_id integer not null references teams(id), role varchar(50) not null);
    insert into users (email) values ('owner@test.com'), ('member@test.com');
    insert into teams (name, plan_name) values ('Test Team', 'Pro');
    insert into team_members (user_id, team_id, role) values (1, 1, 'owner'), (2, 1, 'member');
  `);
});
afterAll(() => db.close());
beforeEach(() => {
  source.clear();
  queries = 0;
  clock += 60_000;
});

describe("accountClaims over saas-starter's tables", () => {
  it("reads the role, team and plan from the database for { user: { id: 1 } }", async () => {
    expect(await subjectOf(await cookieFor({ user: { id: 1 } }))).toMatchObject({
      id: "1",
      roles: ["admin"],
      tenant: "team-1",
      plan: "pro",
    });
    expect(await subjectOf(await cookieFor({ user: { id: 2 } }))).toMatchObject({
      id: "2",
      roles: ["member"],
    });
    expect(source.runtime).toBe("node");
    expect(source.challenge).toEqual(signedCookie({ secret: SECRET }).challenge);
  });

  it("never trusts role, tenant or plan from the cookie", async () => {
    const outcome = await source.read(
      await cookieFor({ user: { id: 2, role: "admin" }, tenant: "team-9", plan: "pro" }),
    );
    expect(outcome.status === "ok" && outcome.auth.claims).toEqual({
      sub: "2",
      role: "member",
      tenant: "team-1",
      plan: "pro",
    });
  });

  it("reuses an answer for at most maxAgeMs; invalidate makes a write visible at once", async () => {
    const request = await cookieFor({ user: { id: 2 } });
    expect(await subjectOf(request)).toMatchObject({ roles: ["member"] });
    await db.query(`update team_members set role = 'owner' where user_id = 2`);
    clock += 4_999;
    expect(await subjectOf(request)).toMatchObject({ roles: ["member"] });
    expect(queries).toBe(1);
    clock += 1;
    expect(await subjectOf(request)).toMatchObject({ roles: ["admin"] });
    await db.query(`update team_members set role = 'member' where user_id = 2`);
    source.invalidate("2");
    expect(await subjectOf(request)).toMatchObject({ roles: ["member"] });
    expect(queries).toBe(3);
  });

  it("a store failure rejects (the kit answers 503) and is never cached", async () => {
    const request = await cookieFor({ user: { id: 1 } });
    failNext = true;
    await expect(source.read(request)).rejects.toThrow(/connection terminated/);
    expect(await subjectOf(request)).toMatchObject({ roles: ["admin"] });
    expect(queries).toBe(2);
  });

  it("a deleted user's cookie is invalid (401), not anonymous and not the old role", async () => {
    await db.query(`update users set deleted_at = now() where id = 2`);
    try {
      expect(await source.read(await cookieFor({ user: { id: 2 } }))).toMatchObject({
        status: "invalid",
        error: "invalid_token",
      });
    } finally {
      await db.query(`update users set deleted_at = null where id = 2`);
    }
  });

  it("a cookie the session source refuses, or none, never reaches the database", async () => {
    const forged = await cookieFor({ user: { id: 1 } }, `${SECRET}x`);
    expect((await source.read(forged)).status).toBe("invalid");
    expect((await source.read(new Request("http://localhost:3000/"))).status).toBe("none");
    expect(queries).toBe(0);
  });

  it("concurrent reads of one user share one query", async () => {
    const request = await cookieFor({ user: { id: 1 } });
    await Promise.all([source.read(request), source.read(request), source.read(request)]);
    expect(queries).toBe(1);
  });

  it("a load answering something that is not a record fails closed", async () => {
    const broken = accountClaims({
      session: signedCookie({ secret: SECRET }),
      load: async () => "admin" as unknown as Record<string, unknown>,
    });
    await expect(broken.read(await cookieFor({ user: { id: 1 } }))).rejects.toThrow(TypeError);
  });

  it.each([
    [{ session: signedCookie({ secret: SECRET }), load, maxAgeMs: 5_001 }],
    [{ session: signedCookie({ secret: SECRET }) }],
    [{ session: {}, load }],
  ])("refuses bad options with invalid_subject_options (%#)", (options) => {
    expect(() => accountClaims(options as never)).toThrow(AuthzConfigError);
    try {
      accountClaims(options as never);
    } catch (error) {
      expect((error as AuthzConfigError).code).toBe("invalid_subject_options");
    }
  });
});
