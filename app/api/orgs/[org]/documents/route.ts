import { policies } from "@/lib/access";
import { badRequest } from "@/lib/authz/http/body";
import { deny } from "@/lib/authz";
import { authz, withAuthorization } from "@/lib/authz-node";
import { documentLists, parseListQuery } from "@/lib/demo/lists";
import { documentStore } from "@/lib/demo/store";

// The org is the [org] segment the kit checked against the caller's memberships; the rows are the
// org-document policy's list filter for that org: exactly what GET .../documents/[id] would allow.
export const GET = withAuthorization(policies.orgDocuments, async (request, { subject }) => {
  const query = parseListQuery(request.url);
  if (!query.ok || query.value.can !== "read")
    return authz.denialResponse(
      badRequest(
        "Invalid query parameters",
        query.ok ? [{ path: "can", message: "only can=read lists an org" }] : query.issues,
      ),
      request,
    );
  const { limit, cursor } = query.value;
  const filter = documentLists.org.where(subject, { org: subject.org.id });
  try {
    const page = await documentStore.page(filter, { limit, cursor });
    return Response.json({ org: subject.org.id, ...page });
  } catch (error) {
    console.error("[demo] org documents could not be listed", error);
    return authz.denialResponse(
      deny("authorization_unavailable", "Documents temporarily unavailable", {
        rule: "resource",
        headers: { "Retry-After": "5" },
      }),
      request,
    );
  }
});
