/**
 * Server actions guarded like route handlers (lib/authz/action.ts): every rule of the policy runs,
 * in the kit's order (session, role, input validation, rate limit, resource), refusals come back as
 * `{ ok: false, status, code, message }` data instead of a thrown redirect, a refused or invalid
 * call never reaches the action, and each wrapped action carries the mark the entry-point report
 * reads. `next/headers` is the only stand-in: outside a Next request there are no headers to read,
 * so the test hands the action the request headers a real call would have. Sessions are real cookies.
 *
 * Type assertions (`expectTypeOf`, `@ts-expect-error`) are checked by `tsc --noEmit -p .`, the
 * typecheck step of `npm test` (tests are in tsconfig's include): Vitest runs only their runtime
 * half, and an expected error that stops being one fails that step.
 */
import { beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import * as z from "zod";
import { defineAccess } from "@/lib/authz/decide/access";
import {
  createActionGuard,
  isActionRefusal,
  publicAction,
  type ActionRefusal,
} from "@/lib/authz/action";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { createDecisionLog } from "@/lib/authz/decision-log";
import { memoryRateLimitStore } from "@/lib/authz/rate-limit/memory";
import { guardOf } from "@/lib/authz/entry/route";
import { createPageGuard } from "@/lib/authz/server";
import { authJsSession } from "@/lib/authz/session";
import { sessionCookie } from "@/lib/authz/testing";
import { expectConfigError } from "../support/config-error";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));

const SECRET = "action-test-secret-0123456789abcdef0123";

const access = defineAccess({
  roles: { member: { permissions: ["docs:delete-own"] }, admin: { inherits: ["member"] } },
});

const policies = {
  admin: access.policy({ name: "admin", role: "admin" }),
  limited: access.policy({
    name: "limited",
    rateLimit: { operation: "notes.write", limit: 2, window: "1m" },
  }),
  deleteDoc: access.policy({
    name: "delete-doc",
    permission: "docs:delete-own",
    resource: { tenant: "tenantId", owner: "ownerId", conceal: "cross-tenant" },
  }),
};

const docs = new Map([
  ["d-bob", { id: "d-bob", tenantId: "acme", ownerId: "u-bob" }],
  ["d-alice", { id: "d-alice", tenantId: "acme", ownerId: "u-alice" }],
  ["d-globex", { id: "d-globex", tenantId: "globex", ownerId: "u-carol" }],
]);

const errors: unknown[] = [];
const authz = createAuthz({
  session: authJsSession({ secret: SECRET }),
  rateLimitStore: memoryRateLimitStore(),
  onError: (error) => errors.push(error),
});
const { withAuthorizationAction } = createActionGuard(authz);
const { authorizeAction } = createPageGuard(authz);

const cookieOf = (sub: string, role: string) =>
  sessionCookie({ sub, role, tenant: "acme" }, { secret: SECRET });
async function as(who: "anonymous" | "bob" | "alice"): Promise<void> {
  requestHeaders = new Headers({ host: "localhost:3000" });
  if (who === "bob") requestHeaders.set("cookie", await cookieOf("u-bob", "member"));
  if (who === "alice") requestHeaders.set("cookie", await cookieOf("u-alice", "admin"));
}

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
};

beforeEach(() => {
  errors.length = 0;
});

describe("withAuthorizationAction: claims, then input, then rate limit, then resource", () => {
  const ran = vi.fn();
  const deleteUser = withAuthorizationAction(
    policies.admin,
    { input: z.object({ id: z.string().min(1) }) },
    async ({ id }, { subject }) => {
      ran(id, subject.id);
      return { ok: true as const, deleted: id };
    },
  );
  beforeEach(() => ran.mockClear());

  it("anonymous: a 401 refusal as data (no redirect thrown), the action never runs", async () => {
    await as("anonymous");
    expect(await deleteUser(form({ id: "u-bob" }))).toEqual({
      ok: false,
      success: false,
      status: 401,
      code: "unauthenticated",
      message: "Authentication required",
      error: "Authentication required",
      details: {},
    });
    expect(ran).not.toHaveBeenCalled();
  });

  it("a member: 403 Requires admin role, before the input is even looked at", async () => {
    await as("bob");
    const result = await deleteUser();
    expect(result).toMatchObject({ ok: false, status: 403, code: "role_required" });
    expect(isActionRefusal(result) && result.message).toBe("Requires admin role");
    expect(ran).not.toHaveBeenCalled();
  });

  it("the admin with arguments of the wrong shape: 400 with field issues, never a throw", async () => {
    await as("alice");
    for (const args of [[], [42], [null], [{ id: 7 }], [form({ name: "x" })]] as unknown[][]) {
      const result = await deleteUser(...args);
      expect(result, JSON.stringify(args)).toMatchObject({
        ok: false,
        status: 400,
        code: "invalid_request",
        message: "Invalid action input",
      });
    }
    expect(ran).not.toHaveBeenCalled();
  });

  it("the admin from a form, a useActionState call and a direct call: the action runs", async () => {
    await as("alice");
    expect(await deleteUser(form({ id: "u-1" }))).toEqual({ ok: true, deleted: "u-1" });
    expect(await deleteUser({ previous: true }, form({ id: "u-2" }))).toEqual({
      ok: true,
      deleted: "u-2",
    });
    expect(await deleteUser({ id: "u-3" })).toEqual({ ok: true, deleted: "u-3" });
    expect(ran.mock.calls).toEqual([
      ["u-1", "u-alice"],
      ["u-2", "u-alice"],
      ["u-3", "u-alice"],
    ]);
  });

  it("carries the mark the entry-point report and guardOf read", () => {
    expect(guardOf(deleteUser)).toEqual({ kind: "policy", policy: "admin", entry: "action" });
  });

  it("types: the result is the action's or a refusal; the action also fits a form's action prop", async () => {
    await as("anonymous");
    const result = await deleteUser({ id: "x" });
    expectTypeOf(result).toEqualTypeOf<{ ok: true; deleted: string } | ActionRefusal>();
    expectTypeOf(deleteUser).toExtend<(formData: FormData) => void | Promise<void>>();
  });
});

describe("withAuthorizationAction: the rate limit is counted, after validation", () => {
  it("the third valid call in a window is refused with 429; invalid calls spend nothing", async () => {
    await as("bob");
    const write = withAuthorizationAction(
      policies.limited,
      { input: z.object({ text: z.string() }) },
      async ({ text }) => ({ ok: true as const, text }),
    );
    expect(await write()).toMatchObject({ status: 400 });
    expect(await write({ text: "a" })).toEqual({ ok: true, text: "a" });
    expect(await write({ text: "b" })).toEqual({ ok: true, text: "b" });
    const limited = await write({ text: "c" });
    expect(limited).toMatchObject({ ok: false, status: 429, code: "rate_limited" });
    expect(isActionRefusal(limited) && limited.details).toMatchObject({ limit: 2 });
  });
});

describe("withAuthorizationAction: the resource rule runs on the loaded resource", () => {
  const deleted: string[] = [];
  const deleteDoc = withAuthorizationAction(
    policies.deleteDoc,
    {
      input: z.object({ id: z.string() }),
      load: ({ input }) => docs.get(input.id) ?? null,
    },
    async (_input, { resource }) => {
      deleted.push(resource.id);
      return { ok: true as const };
    },
  );

  it("owner: runs; another member's document: 403; another tenant's or none: the same 404", async () => {
    await as("bob");
    expect(await deleteDoc(form({ id: "d-bob" }))).toEqual({ ok: true });
    expect(await deleteDoc(form({ id: "d-alice" }))).toMatchObject({
      status: 403,
      code: "owner_required",
      message: "Requires resource owner",
    });
    const hidden = await deleteDoc(form({ id: "d-globex" }));
    const missing = await deleteDoc(form({ id: "nope" }));
    expect(hidden).toEqual(missing);
    expect(hidden).toMatchObject({ status: 404, code: "not_found" });
    expect(deleted).toEqual(["d-bob"]);
  });

  it("a loader that throws denies (fail closed) with a generic 500 refusal", async () => {
    await as("bob");
    const broken = withAuthorizationAction(
      policies.deleteDoc,
      {
        load: () => {
          throw new Error("database down: secret detail");
        },
      },
      async () => ({ ok: true as const }),
    );
    const result = await broken();
    expect(result).toMatchObject({ ok: false, status: 500, code: "authorization_error" });
    expect(JSON.stringify(result)).not.toContain("secret detail");
    expect(errors).toHaveLength(1);
  });

  it("a resource rule without a loader, or a loader without a rule, is refused at definition", () => {
    expect(() =>
      withAuthorizationAction(policies.deleteDoc, async () => ({ ok: true as const })),
    ).toThrow(/resource rule, so the action needs a load\(\) option/);
    expect(() =>
      withAuthorizationAction(policies.admin, { load: () => ({}) }, async () => null),
    ).toThrow(/load\(\) option without a resource rule/);
    expectConfigError(
      () => withAuthorizationAction(policies.deleteDoc, async () => ({ ok: true as const })),
      "invalid_action",
    );
    expectConfigError(
      () => withAuthorizationAction(policies.admin, { load: () => ({}) }, async () => null),
      "invalid_action",
    );
  });
});

describe("publicAction: declared public with a reason, input still validated", () => {
  it("marks the action public with its reason; a blank reason is refused at definition", () => {
    const ping = publicAction("health ping", {}, async () => "pong");
    expect(guardOf(ping)).toEqual({ kind: "public", reason: "health ping", entry: "action" });
    expect(() => publicAction("  ", {}, async () => null)).toThrow(/needs a reason/);
    expectConfigError(() => publicAction("  ", {}, async () => null), "invalid_action");
  });

  it("arguments of the wrong shape answer a typed 400, never a throw", async () => {
    const signIn = publicAction(
      "signs a visitor in",
      { input: z.object({ email: z.string(), password: z.string() }) },
      async ({ email }) => ({ error: null, email }),
    );
    for (const args of [[], [undefined, undefined], ["x"], [{}, form({ email: "a" })]]) {
      expect(await signIn(...args), JSON.stringify(args)).toMatchObject({
        ok: false,
        status: 400,
        code: "invalid_request",
      });
    }
    expect(await signIn({ error: null }, form({ email: "a@b.c", password: "p" }))).toEqual({
      error: null,
      email: "a@b.c",
    });
  });
});

describe("authorizeAction: every rule, never a silent pass", () => {
  it("counts the rate limit", async () => {
    await as("alice");
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await authorizeAction(policies.limited));
    // The earlier describe spent bob's budget; alice has her own.
    expect(results.map((r) => (r.ok ? 200 : r.status))).toEqual([200, 200, 429]);
  });

  it("a policy with a resource rule is a compile error, and a refusal if reached anyway", async () => {
    await as("bob");
    // @ts-expect-error: a resource rule needs a loader (withAuthorizationAction with load)
    const result = await authorizeAction(policies.deleteDoc);
    expect(result).toMatchObject({ ok: false, status: 500, code: "authorization_error" });
  });
});

describe("a refusal names its request id when the kit keeps a decision log", () => {
  it("withAuthorizationAction and authorizeAction return the id their events carry", async () => {
    const decisionLog = createDecisionLog({ onError: () => undefined });
    const logged = createAuthz({ session: authJsSession({ secret: SECRET }), decisionLog });
    const guard = createActionGuard(logged);
    const pages = createPageGuard(logged);
    const run = vi.fn(async () => "ran");
    const adminOnly = guard.withAuthorizationAction(policies.admin, run);
    await as("bob");
    const wrapped = await adminOnly();
    await as("bob"); // a second request
    const direct = await pages.authorizeAction(policies.admin);
    await decisionLog.drain();
    const events = await decisionLog.recent(10);
    expect(run).not.toHaveBeenCalled();
    expect(events.map((e) => [e.layer, e.status])).toEqual([
      ["action", 403],
      ["action", 403],
    ]);
    expect(wrapped).toMatchObject({ ok: false, status: 403, code: "role_required" });
    expect(direct).toMatchObject({ ok: false, status: 403, code: "role_required" });
    // Newest first: authorizeAction's event, then the wrapped action's.
    expect((wrapped as ActionRefusal).requestId).toBe(events[1]!.requestId);
    expect((direct as ActionRefusal).requestId).toBe(events[0]!.requestId);
    expect(events[0]!.requestId).not.toBe(events[1]!.requestId);
  });

  it("without a log the refusal has no requestId field at all", async () => {
    await as("bob");
    const refusal = await withAuthorizationAction(policies.admin, async () => "ran")();
    expect(refusal).toEqual({
      ok: false,
      success: false,
      status: 403,
      code: "role_required",
      message: "Requires admin role",
      error: "Requires admin role",
      details: expect.anything(),
    });
    expect("requestId" in (refusal as object)).toBe(false);
  });
});

describe("what the decision log records of an action is what happened (issue 23, point 3)", () => {
  const ACTION_ID = "40c0ffee0123456789abcdef0123456789abcdef01";
  // What Next's build does to every exported server action (React's registerServerReference with
  // Turbopack's null export name): `$$id` is the build's id. Defined the same way here.
  const registered = <F extends object>(fn: F, id: string): F =>
    Object.defineProperty(fn, "$$id", { value: id, configurable: true });

  async function loggedAs(who: "bob" | "alice", headers: Record<string, string>) {
    await as(who);
    for (const [k, v] of Object.entries(headers)) requestHeaders.set(k, v);
  }

  const setup = () => {
    const decisionLog = createDecisionLog({ onError: () => undefined });
    const logged = createAuthz({ session: authJsSession({ secret: SECRET }), decisionLog });
    return { decisionLog, guard: createActionGuard(logged), pages: createPageGuard(logged) };
  };
  const events = async (log: ReturnType<typeof createDecisionLog>) => {
    await new Promise((r) => setTimeout(r, 0));
    await log.drain();
    return log.recent(10);
  };

  it("a refused action: its build id and name, method POST, and never the client's Referer", async () => {
    const { decisionLog, guard } = setup();
    const deleteEverything = registered(
      guard.withAuthorizationAction(policies.admin, async function deleteEverything() {
        return "ran";
      }),
      ACTION_ID,
    );
    // The caller claims the refused call came from an innocent same-origin page.
    await loggedAs("bob", {
      referer: "http://localhost:3000/harmless/page",
      "next-action": ACTION_ID,
    });
    expect(await deleteEverything()).toMatchObject({ ok: false, status: 403 });
    const [event] = await events(decisionLog);
    expect(event).toMatchObject({
      layer: "action",
      outcome: "deny",
      status: 403,
      method: "POST",
      path: "",
      action: { id: ACTION_ID, name: "deleteEverything" },
    });
    expect(JSON.stringify(event)).not.toContain("harmless");
  });

  it("the build's id wins over the Next-Action header; a name option wins over the function's", async () => {
    const { decisionLog, guard } = setup();
    const named = registered(
      guard.withAuthorizationAction(policies.admin, { name: "purgeUsers" }, async () => "ran"),
      ACTION_ID,
    );
    await loggedAs("bob", { "next-action": "40ffffffffffffffffffffffffffffffffffffffff" });
    await named();
    const [event] = await events(decisionLog);
    expect(event!.action).toEqual({ id: ACTION_ID, name: "purgeUsers" });
  });

  it("an unregistered wrapper (not itself exported) takes the id Next resolved the call to", async () => {
    const { decisionLog, guard } = setup();
    const inner = guard.withAuthorizationAction(policies.admin, async () => "ran");
    await loggedAs("bob", { "next-action": ACTION_ID });
    await inner();
    const [event] = await events(decisionLog);
    expect(event!.action).toEqual({ id: ACTION_ID });
    expect(event!.path).toBe("");
  });

  it("a Next-Action that is not an action id shape is not recorded as one", async () => {
    const { decisionLog, guard } = setup();
    const inner = guard.withAuthorizationAction(policies.admin, async () => "ran");
    await loggedAs("bob", { "next-action": "../../admin?x=<script>" });
    await inner();
    const [event] = await events(decisionLog);
    expect(event).not.toHaveProperty("action");
    expect(event!.method).toBe("POST");
  });

  it("authorizeAction inside an action: the running action's id, no Referer path", async () => {
    const { decisionLog, pages } = setup();
    await loggedAs("bob", {
      referer: "http://localhost:3000/harmless/page",
      "next-action": ACTION_ID,
    });
    expect(await pages.authorizeAction(policies.admin)).toMatchObject({ ok: false, status: 403 });
    const [event] = await events(decisionLog);
    expect(event).toMatchObject({ layer: "action", method: "POST", path: "" });
    expect(event!.action).toEqual({ id: ACTION_ID });
  });
});
