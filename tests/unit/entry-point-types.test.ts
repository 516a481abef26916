/**
 * What an adoption tripped on, in the entry points' types: route handlers get a `NextRequest`
 * (typed, and at run time even when a test passes a plain `Request`); `publicRoute` takes a
 * `(request: NextRequest)` handler; `publicAction`'s options may be left out; and an action's
 * refusal fits the form states apps already write for `useActionState`, unedited.
 *
 * Type assertions (`expectTypeOf`, `@ts-expect-error`) are checked by `tsc --noEmit -p .`, the
 * typecheck step of `npm test` (tests are in tsconfig's include): Vitest runs only their runtime
 * half, and an expected error that stops being one fails that step.
 */
import { NextRequest } from "next/server";
import { useActionState } from "react";
import { beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import * as z from "zod";
import { defineAccess } from "@/lib/authz/decide/access";
import {
  actionRefusal,
  createActionGuard,
  publicAction,
  type ActionRefusal,
} from "@/lib/authz/action";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import { deny } from "@/lib/authz/decide/decision";
import { guardOf, publicRoute } from "@/lib/authz/entry/route";
import { authJsSession } from "@/lib/authz/session";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));

const SECRET = "entry-types-secret-0123456789abcdef0123";
const access = defineAccess({
  roles: { member: { permissions: [] }, admin: { inherits: ["member"] } },
});
const policies = {
  member: access.policy({ name: "member" }),
  admin: access.policy({ name: "admin", role: "admin" }),
};
const authz = createAuthz({ session: authJsSession({ secret: SECRET }) });
const { withAuthorizationAction } = createActionGuard(authz);

async function signedIn(role: "member" | "admin"): Promise<string> {
  return sessionCookie({ sub: `u-${role}`, role }, { secret: SECRET });
}

beforeEach(async () => {
  requestHeaders = new Headers({ host: "localhost:3000", cookie: await signedIn("member") });
});

describe("route handlers get a NextRequest", () => {
  it("typed as NextRequest, and one at run time even from a plain Request", async () => {
    const seen: NextRequest[] = [];
    const GET = authz.withAuthorization(policies.member, async (request) => {
      expectTypeOf(request).toEqualTypeOf<NextRequest>();
      seen.push(request);
      return Response.json({
        path: request.nextUrl.pathname,
        q: request.nextUrl.searchParams.get("q"),
      });
    });
    const cookie = await signedIn("member");
    const plain = new Request("http://localhost:3000/api/things?q=1", { headers: { cookie } });
    expect(plain).not.toBeInstanceOf(NextRequest);
    const response = await GET(plain, routeContext({}));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: "/api/things", q: "1" });
    expect(seen[0]).toBeInstanceOf(NextRequest);
    expect(seen[0]!.cookies.get("authjs.session-token")?.value).toBeTruthy();

    // What Next passes is handed on as it is.
    const next = new NextRequest(await requestFor("/api/things", { cookie }));
    await GET(next, routeContext({}));
    expect(seen[1]).toBe(next);
  });

  it("the resource loader gets the NextRequest too", async () => {
    const resourcePolicy = access.policy({
      name: "own-thing",
      resource: { owner: "ownerId" },
    });
    const DELETE = authz.withAuthorization(
      resourcePolicy,
      {
        load: ({ request }) => {
          expectTypeOf(request).toEqualTypeOf<NextRequest>();
          return { ownerId: request.nextUrl.searchParams.get("owner") ?? "" };
        },
      },
      async () => new Response(null, { status: 204 }),
    );
    const cookie = await signedIn("member");
    const mine = new Request("http://localhost:3000/api/t?owner=u-member", { headers: { cookie } });
    const theirs = new Request("http://localhost:3000/api/t?owner=u-other", {
      headers: { cookie },
    });
    expect((await DELETE(mine, routeContext({}))).status).toBe(204);
    expect((await DELETE(theirs, routeContext({}))).status).toBe(403);
  });
});

describe("publicRoute takes any handler Next takes", () => {
  it("a (request: NextRequest) handler, a (request: Request) handler and one with no parameter", async () => {
    const withNext = publicRoute("echoes the path for the health check", (request: NextRequest) =>
      Response.json({ path: request.nextUrl.pathname }),
    );
    expectTypeOf(withNext).toEqualTypeOf<(request: NextRequest) => Response>();
    const withPlain = publicRoute("answers anyone", async (request: Request) =>
      Response.json({ method: request.method }),
    );
    const bare = publicRoute("answers anyone", () => new Response("ok"));
    const response = withNext(new NextRequest("http://localhost:3000/health"));
    expect(await response.json()).toEqual({ path: "/health" });
    expect(await (await withPlain(new Request("http://localhost/"))).json()).toEqual({
      method: "GET",
    });
    expect(await bare().text()).toBe("ok");
    for (const handler of [withNext, withPlain, bare])
      expect(guardOf(handler)).toMatchObject({ kind: "public" });
    // @ts-expect-error a handler must take a request, not a string
    publicRoute("wrong", (request: string) => new Response(request));
  });
});

describe("publicAction's options may be left out", () => {
  it("publicAction(reason, action) runs the action and carries the public mark", async () => {
    const ping = publicAction("answers anyone: a liveness check for the form", async () => "pong");
    const answer = await ping();
    expectTypeOf(answer).toEqualTypeOf<string>();
    expect(answer).toBe("pong");
    expect(guardOf(ping)).toEqual({
      kind: "public",
      reason: "answers anyone: a liveness check for the form",
      entry: "action",
    });
    // @ts-expect-error no input schema, so the action's input is undefined
    publicAction("typed input needs a schema", async (input: { email: string }) => input.email);
  });

  it("with options it still validates, and a blank reason still throws", async () => {
    const subscribe = publicAction(
      "anyone may subscribe",
      { input: z.object({ email: z.email() }) },
      async ({ email }) => ({ error: null, email }),
    );
    expect(await subscribe({ email: "a@example.com" })).toEqual({
      error: null,
      email: "a@example.com",
    });
    expect(await subscribe({ email: "nope" })).toMatchObject({ ok: false, status: 400 });
    expect(() => publicAction(" ", async () => 1)).toThrow(/reason/);
  });
});

/** Form states as apps write them (Next's own forms guide, and the common variants). */
type NextGuideState =
  { errors?: { email?: string[]; password?: string[] }; message?: string } | undefined;
type ErrorState = { error: string | null };
type OptionalErrorState = { error?: string };
type SuccessState = { success: boolean; message: string };
type OkState = { ok: boolean; message?: string };
type MessageState = { message: string };

describe("an action refusal fits the usual form states, unedited", () => {
  it("is assignable to each of them", () => {
    expectTypeOf<ActionRefusal>().toExtend<NextGuideState>();
    expectTypeOf<ActionRefusal>().toExtend<ErrorState>();
    expectTypeOf<ActionRefusal>().toExtend<OptionalErrorState>();
    expectTypeOf<ActionRefusal>().toExtend<SuccessState>();
    expectTypeOf<ActionRefusal>().toExtend<OkState>();
    expectTypeOf<ActionRefusal>().toExtend<MessageState>();
    // The limit: a state whose `status` is a word cannot take the refusal's numeric status.
    expectTypeOf<ActionRefusal>().not.toExtend<{ status: "idle" | "error" }>();
  });

  it("a guarded action goes into useActionState with the app's own state type", () => {
    const signUp = withAuthorizationAction(
      policies.member,
      { input: z.object({ email: z.email(), password: z.string().min(8) }) },
      async (): Promise<NextGuideState> => ({ message: "Welcome" }),
    );
    const remove = withAuthorizationAction(policies.admin, async (): Promise<ErrorState> => ({
      error: null,
    }));
    // Never called (hooks need a component): the compiler checks the calls as an app writes them,
    // with its state type as the hook's type argument.
    function useForms() {
      const [guide] = useActionState<NextGuideState, FormData>(signUp, undefined);
      const [error] = useActionState<ErrorState, FormData>(remove, { error: null });
      return { guide, error };
    }
    expectTypeOf<ReturnType<typeof useForms>["guide"]>().toEqualTypeOf<NextGuideState>();
    expectTypeOf<ReturnType<typeof useForms>["error"]>().toEqualTypeOf<ErrorState>();
    expect(typeof useForms).toBe("function");
  });

  it("at run time: error and success for every refusal, errors per field for bad input", async () => {
    const signUp = withAuthorizationAction(
      policies.member,
      { input: z.object({ email: z.email(), password: z.string().min(8) }) },
      async () => ({ message: "Welcome" }),
    );
    const form = new FormData();
    form.append("email", "not-an-email");
    form.append("password", "short");
    const invalid = await signUp(undefined, form);
    expect(invalid).toMatchObject({
      ok: false,
      success: false,
      status: 400,
      message: "Invalid action input",
      error: "Invalid action input",
    });
    const { errors } = invalid as ActionRefusal;
    expect(Object.keys(errors ?? {}).sort()).toEqual(["email", "password"]);
    expect(errors!.email!.length).toBeGreaterThan(0);

    const adminOnly = withAuthorizationAction(policies.admin, async () => ({ error: null }));
    const refused = await adminOnly();
    expect(refused).toMatchObject({
      ok: false,
      success: false,
      status: 403,
      message: "Requires admin role",
      error: "Requires admin role",
    });
    expect("errors" in (refused as object)).toBe(false);
  });

  it("a field named __proto__ stays a plain field of errors", () => {
    const refusal = actionRefusal(
      deny("invalid_request", "Invalid action input", {
        rule: "validation",
        details: {
          issues: [
            { path: "__proto__", message: "Expected string" },
            { path: "tags.0", message: "Too short" },
            { path: "tags.0", message: "Not allowed" },
          ],
        },
      }),
    );
    expect(Object.getPrototypeOf(refusal.errors)).toBe(Object.prototype);
    expect(Object.keys(refusal.errors!)).toEqual(["__proto__", "tags.0"]);
    expect(refusal.errors!["tags.0"]).toEqual(["Too short", "Not allowed"]);
    expect(JSON.parse(JSON.stringify(refusal.errors))).toEqual({
      ["__proto__"]: ["Expected string"],
      "tags.0": ["Too short", "Not allowed"],
    });
  });
});
