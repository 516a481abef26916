// lib/authz-node.ts, for an app whose cookie holds only the user's id (nextjs/saas-starter): the
// role, team and plan come from its database by that id, cached at most 2 s per process.
import { Pool } from "pg";
import { accountClaims, signedCookie } from "@/lib/authz";

const pool = new Pool({ connectionString: process.env.POSTGRES_URL });

export const session = accountClaims({
  session: signedCookie({ secret: () => process.env.AUTH_SECRET }),
  // sub is a string: "1" for the numeric id 1. null: the user no longer exists (401).
  load: async (id) => {
    const { rows } = await pool.query<{ role: string; team_id: number; plan_name: string | null }>(
      `select m.role, m.team_id, t.plan_name from team_members m
         join teams t on t.id = m.team_id where m.user_id = $1`,
      [Number(id)],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      role: row.role === "owner" ? "admin" : "member",
      tenant: String(row.team_id),
      plan: row.plan_name === "Pro" ? "pro" : "free",
    };
  },
});

// After a write, so this process sees it on the next request (others within maxAgeMs).
export async function setTeamRole(userId: number, role: "owner" | "member") {
  await pool.query(`update team_members set role = $1 where user_id = $2`, [role, userId]);
  session.invalidate(String(userId));
}
