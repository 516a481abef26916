// With Better Auth instead of Auth.js, the `session` of each file above is the one change:
import { betterAuthSession, sessionFromBetterAuth } from "@/lib/authz";
import { auth } from "./better-auth"; // your betterAuth({ ... }) (Node only)

// lib/authz-edge.ts: its signed cookie cache, read at the Edge (expired: on to the handler).
export const edgeSession = betterAuthSession({
  secret: () => process.env.BETTER_AUTH_SECRET,
  secure: process.env.NODE_ENV === "production", // its __Secure- cookie names
});
// lib/authz-node.ts: route handlers, pages and actions read the same cache while it is valid, and
// ask Better Auth itself when it cannot decide (the list goes on from an "unknown").
export const nodeSession = [edgeSession, sessionFromBetterAuth(auth)];
