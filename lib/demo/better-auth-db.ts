/**
 * NODE.JS RUNTIME ONLY. Where the demo's Better Auth keeps users, credentials and sessions: Better
 * Auth's memory adapter, reset on restart like the rest of the demo's data. The switch to the demo's
 * Drizzle database is this one function (`drizzleAdapter(db, { provider: "pg" })`).
 */
import { memoryAdapter } from "better-auth/adapters/memory";

/** The Better Auth database adapter of the demo. */
export function betterAuthDatabase() {
  return memoryAdapter({ user: [], session: [], account: [], verification: [] });
}
