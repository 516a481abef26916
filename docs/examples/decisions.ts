// Lower level: evaluate a policy yourself, and build refusals from decisions.
import {
  AuthzConfigError,
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

// Every wrong option throws AuthzConfigError (a TypeError) where it is given, with a stable code.
export function definedOrReported(define: () => void): string | null {
  try {
    define();
    return null;
  } catch (error) {
    if (error instanceof AuthzConfigError) return `${error.code}: ${error.message}`; // invalid_policy: Invalid policy "x": ...
    throw error;
  }
}
