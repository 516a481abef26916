import { demoUsers } from "@/lib/demo/users";
import type { QuickUser } from "./quick-sign-in";

/** The demo users as the one-click sign-in shows them: their claims, without their ids. */
export const quickUsers: readonly QuickUser[] = demoUsers.map(
  ({ email, name, role, tenant, plan }) => ({ email, name, role, tenant, plan }),
);
