/**
 * The active team kept in the app's database (nextjs/saas-starter: one team per user, or a stored
 * `active_team_id` for users in several), as an org rule beside the URL segment: `accountClaims`
 * makes the active team the subject's `tenant` and the role in that team its `role`, and the
 * policy's tenancy rule scopes every resource to it. Real parts: PGlite, jose cookies,
 * `signedCookie`, the kit's own policy checks. The trade-offs against the URL segment (one active
 * team for every tab, a switch seen elsewhere only after the cache bound) are asserted, not hidden.
 */
import { PGlite } from "@electric-sql/pglite";
import { SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defineAccess } from "../../lib/authz/decide/access";
import { accountClaims } from "../../lib/authz/session/account-claims";
import { signedCookie } from "../../lib/authz/session/signed-cookie";

const SECRET = "active-team-secret-0123456789abcdef0123456789";
const access = defineAccess({
  roles: { member: { permissions: [] }, admin: { inherits: ["member"] } },
});
const readDoc = access.policy({
  name: "read-doc",
  resource: { tenant: "teamId", conceal: "cross-tenant" },
});
const deleteDoc = access.policy({
  name: "delete-doc",
  role: "admin",
  resource: { tenant: "teamId", conceal: "cross-tenant" },
});
const docs = { "doc-1": { teamId: "1" }, "doc-2": { teamId: "2" } } as const;

let db: PGlite;
let clock = 1_000_000;

/** The app's query: the stored active team (or the only one), and the role held in it. */
async function load(id: string) {
  const { rows } = await db.query<{ team_id: number | null; role: string | null }>(
    `select m.team_id, m.role from users u
       left join team_members m on m.user_id = u.id
        and m.team_id = coalesce(u.active_team_id,
          (select min(team_id) from team_members where user_id = u.id))
      where u.id = $1`,
    [Number(id)],
  );
  const row = rows[0];
  if (!row) return null;
  // No membership in the stored team (removed from it): no tenant, no role, nothing of any team.
  if (row.team_id === null || row.role === null) return {};
  return { tenant: String(row.team_id), role: row.role === "owner" ? "admin" : "member" };
}

const instance = () =>
  accountClaims({ session: signedCookie({ secret: SECRET }), load, now: () => clock });
let here = instance();

async function subjectOf(userId: number, source = here) {
  const token = await new SignJWT({ user: { id: userId } })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("1 day from now")
    .sign(new TextEncoder().encode(SECRET));
  const request = new Request("http://localhost:3000/dashboard", {
    headers: { cookie: `session=${token}` },
  });
  const outcome = await source.read(request);
  if (outcome.status !== "ok") throw new Error(`not signed in: ${outcome.status}`);
  return access.parseSubject(outcome.auth.claims);
}

/** The kit's answer for one policy and document: the status of its refusal, or 200. */
function answer(
  policy: typeof readDoc | typeof deleteDoc,
  subject: unknown,
  doc: keyof typeof docs,
) {
  const s = subject as Parameters<typeof readDoc.checkSubject>[0];
  const refused = policy.checkSubject(s) ?? policy.checkResource(s, docs[doc]);
  return refused ? refused.status : 200;
}

/** Switches the stored active team, as the app's team switcher would (and invalidates). */
async function switchTeam(userId: number, teamId: number) {
  await db.query(`update users set active_team_id = $1 where id = $2`, [teamId, userId]);
  here.invalidate(String(userId));
}

beforeAll(async () => {
  db = new PGlite();
  await db.exec(`
    create table users (id serial primary key, email text not null, active_team_id integer);
    create table team_members (user_id integer not null, team_id integer not null,
      role varchar(50) not null, primary key (user_id, team_id));
    insert into users (email) values ('solo@test.com'), ('two@test.com');
    insert into team_members values (1, 1, 'owner'), (2, 1, 'owner'), (2, 2, 'member');
  `);
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.query(`update users set active_team_id = null`);
  await db.query(`delete from team_members where user_id = 2 and team_id = 1`);
  await db.query(`insert into team_members values (2, 1, 'owner')`);
  clock += 60_000;
  here = instance();
});

describe("an active team from the database, checked by the tenancy rule", () => {
  it("one team per user: that team's documents, another team's a 404", async () => {
    const solo = await subjectOf(1);
    expect(solo).toMatchObject({ id: "1", tenant: "1", roles: ["admin"] });
    expect(answer(readDoc, solo, "doc-1")).toBe(200);
    expect(answer(deleteDoc, solo, "doc-1")).toBe(200);
    expect(answer(readDoc, solo, "doc-2")).toBe(404);
  });

  it("a stored active team decides the team and the role held in it", async () => {
    expect(answer(deleteDoc, await subjectOf(2), "doc-1")).toBe(200);
    await switchTeam(2, 2);
    const inTeam2 = await subjectOf(2);
    expect(inTeam2).toMatchObject({ tenant: "2", roles: ["member"] });
    expect(answer(readDoc, inTeam2, "doc-2")).toBe(200);
    expect(answer(deleteDoc, inTeam2, "doc-2")).toBe(403);
    expect(answer(readDoc, inTeam2, "doc-1")).toBe(404);
  });

  it("removed from the stored team: nothing of any team, not the old role", async () => {
    await db.query(`delete from team_members where user_id = 2 and team_id = 1`);
    await db.query(`update users set active_team_id = 1 where id = 2`);
    here.invalidate("2");
    const removed = await subjectOf(2);
    expect(removed).toMatchObject({ id: "2", roles: [] });
    expect(removed?.tenant).toBeUndefined();
    expect(answer(readDoc, removed, "doc-1")).toBe(404);
    expect(answer(readDoc, removed, "doc-2")).toBe(404);
  });

  it("trade-off, two tabs: one active team for all of them; a switch in one moves the other", async () => {
    // Tab A shows team 1's doc-1; tab B switches to team 2; tab A's next request is decided in team 2.
    expect(answer(readDoc, await subjectOf(2), "doc-1")).toBe(200);
    await switchTeam(2, 2);
    expect(answer(readDoc, await subjectOf(2), "doc-1")).toBe(404);
  });

  it("trade-off, stale active team: another instance sees a switch within maxAgeMs, not at once", async () => {
    const other = instance();
    expect(await subjectOf(2, other)).toMatchObject({ tenant: "1" });
    await switchTeam(2, 2);
    clock += other.maxAgeMs - 1;
    expect(await subjectOf(2, other)).toMatchObject({ tenant: "1" });
    clock += 1;
    expect(await subjectOf(2, other)).toMatchObject({ tenant: "2" });
  });
});
