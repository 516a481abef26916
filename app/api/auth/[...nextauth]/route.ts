import { handlers } from "@/lib/auth";
import { publicRoute } from "@/lib/authz";

// Sign-in, sign-out, CSRF and session endpoints are Auth.js's own; anyone must reach them.
export const GET = publicRoute("Auth.js sign-in endpoints", (request: Request) =>
  handlers.GET(request as never),
);
export const POST = publicRoute("Auth.js sign-in endpoints", (request: Request) =>
  handlers.POST(request as never),
);
