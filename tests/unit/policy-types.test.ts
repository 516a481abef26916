/**
 * Policy types follow the access declaration: misspelt names are compile errors, and handlers
 * see exactly the subject, params, body and resource their policy guarantees.
 *
 * Type assertions (`expectTypeOf`, `@ts-expect-error`) are checked by `tsc --noEmit -p .`, the
 * typecheck step of `npm test` (tests are in tsconfig's include): Vitest runs only their runtime
 * half, and an expected error that stops being one fails that step.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { defineAccess } from "@/lib/authz/decide/access";
import type { Subject } from "@/lib/authz/types";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { expectConfigError } from "../support/config-error";

const access = defineAccess({
  roles: {
    member: { permissions: ["docs:read"] },
    admin: { inherits: ["member"], permissions: ["users:delete"] },
  },
  plans: { free: { features: [] }, pro: { features: ["export"] } },
});
const authz = createAuthz({ session: async () => null });

describe("policy types are inferred from the access declaration", () => {
  it("rejects a misspelt role, permission or feature at compile time", () => {
    // @ts-expect-error "admn" is not a declared role
    expect(() => access.policy({ role: "admn" })).toThrow(TypeError);
    // @ts-expect-error "admn" is not a declared role
    expectConfigError(() => access.policy({ role: "admn" }), "invalid_policy");
    // @ts-expect-error "docs:write" is not a declared permission
    expect(() => access.policy({ permission: "docs:write" })).toThrow(TypeError);
    // @ts-expect-error "docs:write" is not a declared permission
    expectConfigError(() => access.policy({ permission: "docs:write" }), "invalid_policy");
    // @ts-expect-error "import" is not a feature of any plan
    expect(() => access.policy({ feature: "import" })).toThrow(TypeError);
    // @ts-expect-error "import" is not a feature of any plan
    expectConfigError(() => access.policy({ feature: "import" }), "invalid_policy");
  });

  it("rejects inheriting an undeclared role", () => {
    // @ts-expect-error "owner" is not declared
    expect(() => defineAccess({ roles: { admin: { inherits: ["owner"] } } })).toThrow(TypeError);
    expectConfigError(
      // @ts-expect-error "owner" is not declared
      () => defineAccess({ roles: { admin: { inherits: ["owner"] } } }),
      "invalid_access_declaration",
    );
  });

  it("gives handlers a non-null subject once the policy requires a session", () => {
    const signedIn = access.policy({ role: "member" });
    authz.withAuthorization(signedIn, async (_req, { subject }) => {
      expectTypeOf(subject).toEqualTypeOf<Subject<typeof access.declaration>>();
      return Response.json({ id: subject.id });
    });
    const open = access.policy({ signedIn: false });
    authz.withAuthorization(open, async (_req, { subject }) => {
      expectTypeOf(subject).toEqualTypeOf<Subject<typeof access.declaration> | null>();
      return Response.json({});
    });
  });

  it("checks a loader's result against the keys the resource rule reads", () => {
    const owned = access.policy({ resource: { owner: "ownerId" } });
    authz.withAuthorization(
      owned,
      { load: async () => ({ ownerId: "u1", title: "t" }) },
      async (_r, { resource }) => {
        expectTypeOf(resource.title).toEqualTypeOf<string>();
        return Response.json({});
      },
    );
    // @ts-expect-error the loader's result has no string "ownerId"
    authz.withAuthorization(owned, { load: async () => ({ owner: "u1" }) }, async () =>
      Response.json({}),
    );
  });
});
