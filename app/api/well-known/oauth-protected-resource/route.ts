import { policies } from "@/lib/access";
import { notFound, protectedResourceMetadata, publicRoute } from "@/lib/authz";
import { authz } from "@/lib/authz-node";
import { oidcSettings } from "@/lib/demo/machine";

// RFC 9728 metadata, served at /.well-known/oauth-protected-resource (next.config.ts rewrites it
// here: Next does not route dot folders). Built once from the policies: the scopes listed are the
// scopes the routes check. Absent (404) while the demo takes no bearer tokens.
const oidc = oidcSettings(process.env);
const metadata = oidc
  ? protectedResourceMetadata({
      resource: oidc.audience,
      authorizationServers: [oidc.issuer],
      policies: Object.values(policies),
      name: "next-authz-kit demo",
    })
  : null;

export const GET = publicRoute(
  "OAuth protected resource metadata (RFC 9728): public by definition",
  async (request) =>
    metadata
      ? Response.json(metadata, { headers: { "Cache-Control": "public, max-age=300" } })
      : authz.denialResponse(notFound("resource"), request),
);
