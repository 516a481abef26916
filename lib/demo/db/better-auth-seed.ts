/**
 * NODE.JS RUNTIME ONLY. Better Auth's seed in the demo database: the demo users of DESIGN §1.1 and
 * §1.4 (same ids, password `demo` hashed by Better Auth's own `hashPassword`), their credential
 * accounts, the organizations `acme` and `globex` and the memberships of §1.4 in the organization
 * plugin's `member` table. Every session, verification and invitation goes: a reset signs everyone
 * out.
 */
import { hashPassword } from "better-auth/crypto";
import { DEMO_PASSWORD, demoMemberships, demoOrgs, demoUsers } from "../users";
import {
  account,
  invitation,
  member,
  organization,
  session,
  user,
  verification,
} from "./better-auth-schema";
import type { DemoDb } from "./types";

// scrypt takes about 0.1 s: hashed once per process (each hash has its own salt; any verifies).
let passwordHash: Promise<string> | undefined;
const demoPasswordHash = () =>
  (passwordHash ??= hashPassword(DEMO_PASSWORD).catch((error: unknown) => {
    passwordHash = undefined;
    throw error;
  }));

const orgNames: Record<(typeof demoOrgs)[number], string> = { acme: "Acme", globex: "Globex" };

/** Replaces every Better Auth row with the seed, in one transaction. */
export async function seedBetterAuth(db: DemoDb): Promise<void> {
  const hash = await demoPasswordHash();
  const now = new Date();
  await db.transaction(async (tx) => {
    // Children first; the user rows take sessions, accounts and memberships with them anyway.
    await tx.delete(invitation);
    await tx.delete(member);
    await tx.delete(organization);
    await tx.delete(session);
    await tx.delete(account);
    await tx.delete(verification);
    await tx.delete(user);
    await tx.insert(user).values(
      demoUsers.map((u) => ({
        id: u.id,
        name: u.name,
        email: u.email,
        emailVerified: true,
        role: u.role,
        createdAt: now,
        updatedAt: now,
      })),
    );
    await tx.insert(account).values(
      demoUsers.map((u) => ({
        id: `account-${u.id}`,
        accountId: u.id,
        providerId: "credential",
        userId: u.id,
        password: hash,
        createdAt: now,
        updatedAt: now,
      })),
    );
    await tx
      .insert(organization)
      .values(demoOrgs.map((id) => ({ id, name: orgNames[id], slug: id, createdAt: now })));
    await tx.insert(member).values(
      Object.entries(demoMemberships).flatMap(([userId, orgs]) =>
        Object.entries(orgs).map(([org, role]) => ({
          id: `member-${org}-${userId}`,
          organizationId: org,
          userId,
          role,
          createdAt: now,
        })),
      ),
    );
  });
}
