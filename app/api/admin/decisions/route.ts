import { policies } from "@/lib/access";
import { deny } from "@/lib/authz";
import { decisionsFor } from "@/lib/decision-log-scope-node";
import { authz, withAuthorization } from "@/lib/authz-node";

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

/** `?limit=N`: 1 to 1000, default 50; anything else is a 400, not a silent clamp. */
function limitOf(url: string): number | null {
  const raw = new URL(url).searchParams.get("limit");
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^[1-9]\d{0,3}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= MAX_LIMIT ? n : null;
}

// The latest decisions of every layer, newest first (memory ring, or the Redis stream): those of
// the admin's own tenant and admin orgs, or every one for an operator (lib/decision-log-scope.ts).
export const GET = withAuthorization(policies.admin, async (request, { subject }) => {
  const limit = limitOf(request.url);
  if (limit === null) {
    return authz.denialResponse(
      deny("invalid_request", `limit must be a whole number from 1 to ${MAX_LIMIT}`, {
        rule: "validation",
      }),
      request,
    );
  }
  let decisions;
  try {
    decisions = await decisionsFor(subject, limit);
  } catch (error) {
    console.error("[authz] decision log could not be read", error);
    return authz.denialResponse(
      deny("authorization_unavailable", "Decision log temporarily unavailable", {
        rule: "decisionLog",
        headers: { "Retry-After": "5" },
      }),
      request,
    );
  }
  return Response.json({ decisions }, { headers: { "Cache-Control": "no-store" } });
});
