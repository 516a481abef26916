// Lower level: evaluate a policy yourself, and build refusals from decisions.
import {
  DEFAULT_CHALLENGE,
  denialResponse,
  deny,
  DenyStatus,
  parseDuration,
  wantsProblemJson,
} from "@/lib/authz";
import { policies } from "./access";
import { authz } from "./authz-node";

export async function handle(request: Request): Promise<Response> {
  // check() never throws: every error is a refusal (fail closed).
  const decision = await authz.check(policies.admin, request);
  if (!decision.allowed) return authz.denialResponse(decision, request);
  return Response.json({ hello: decision.subject.id });
}

// A refusal of your own, in the same shape: { error, message, code, ...details }.
export const maintenance = (request: Request) =>
  denialResponse(
    deny("authorization_unavailable", "Down for maintenance", {
      rule: "maintenance",
      headers: { "Retry-After": "600" },
    }),
    request,
  );

export const statusOfRoleRefusal = DenyStatus.role_required; // 403
export const clientWantsProblems = (request: Request) => wantsProblemJson(request); // Accept: application/problem+json
export const challenge = DEFAULT_CHALLENGE; // the WWW-Authenticate of every 401 unless you set response.challenge
export const windowMs = parseDuration("1m"); // 60000
