import { policies } from "@/lib/access";
import { badRequest } from "@/lib/authz/http/body";
import { deny } from "@/lib/authz";
import { authz, withAuthorization } from "@/lib/authz-node";
import { documentLists, parseListQuery } from "@/lib/demo/lists";
import { documentStore } from "@/lib/demo/store";

// The documents GET /api/documents/[id] would answer 200 (or, with ?can=delete, those DELETE would
// let the caller delete), newest first, one page per request. The WHERE clause is the kit's filter
// from that same policy: one query, no row loaded and then dropped.
export const GET = withAuthorization(policies.listDocuments, async (request, { subject }) => {
  const query = parseListQuery(request.url);
  if (!query.ok)
    return authz.denialResponse(badRequest("Invalid query parameters", query.issues), request);
  const { can, limit, cursor } = query.value;
  const filter = documentLists[can].where(subject);
  try {
    return Response.json(await documentStore.page(filter, { limit, cursor }));
  } catch (error) {
    console.error("[demo] documents could not be listed", error);
    return authz.denialResponse(
      deny("authorization_unavailable", "Documents temporarily unavailable", {
        rule: "resource",
        headers: { "Retry-After": "5" },
      }),
      request,
    );
  }
});
