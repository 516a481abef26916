import { policies } from "@/lib/access";
import { documentStore } from "@/lib/demo/store";
import { withAuthorization } from "@/lib/authz-node";

// The org is the [org] segment the kit checked against the caller's memberships: the answer can
// only hold that org's documents, whatever else the request says.
export const GET = withAuthorization(policies.orgDocuments, async (_request, { subject }) =>
  Response.json({
    org: subject.org.id,
    documents: await documentStore.listByTenant(subject.org.id),
  }),
);
