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
import { sameOriginPath, signInRedirectPath } from "@/lib/authz/server";
import { policies } from "@/lib/access";
import { authz } from "@/lib/authz-node";

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

// Sign-in links only ever point back into this site.
export const backTo = (candidate: string | null) => sameOriginPath(candidate); // "//evil.example" -> "/"
export const signInLink = signInRedirectPath("/signin", "/admin?tab=users"); // "/signin?callbackUrl=%2Fadmin%3Ftab%3Dusers"

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
