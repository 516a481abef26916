import { handlers } from "@/lib/auth";
import { AUTH_PROVIDER } from "@/lib/auth-provider";
import { publicRoute } from "@/lib/authz";
import { betterAuthHandler } from "@/lib/better-auth";

// Sign-in, sign-out, CSRF and session endpoints are the sign-in library's own (Auth.js, or Better
// Auth with AUTH_PROVIDER=better-auth); anyone must reach them.
const handle = (request: Request) =>
  AUTH_PROVIDER === "better-auth" ? betterAuthHandler(request) : handlers.GET(request as never);

export const GET = publicRoute("sign-in library endpoints", handle);
export const POST = publicRoute("sign-in library endpoints", (request: Request) =>
  AUTH_PROVIDER === "better-auth" ? betterAuthHandler(request) : handlers.POST(request as never),
);
