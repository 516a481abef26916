/**
 * withAuthorization's own work around the policy: awaiting Next 15/16's Promise params, validating
 * params and the JSON body (400 with field issues, invalid JSON, 413), passing RateLimit headers on
 * to whatever the handler returns (even a Response with immutable headers), and the context types a
 * handler sees. Validation runs after the claims checks, so an anonymous caller learns nothing from
 * a 400.
 *
 * Type assertions (`expectTypeOf`, `@ts-expect-error`) are checked by `tsc --noEmit -p .`, the
 * typecheck step of `npm test` (tests are in tsconfig's include): Vitest runs only their runtime
 * half, and an expected error that stops being one fails that step.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import * as z from "zod";
import { RequestCookies } from "next/dist/compiled/@edge-runtime/cookies";
import { NextRequest as NextRequestClass, type NextRequest } from "next/server";
import { defineAccess } from "@/lib/authz/decide/access";
import type { Subject } from "@/lib/authz/types";
import { createAuthz } from "@/lib/authz/entry/create-authz";
import type { RateLimitStore } from "@/lib/authz/rate-limit/store";
import { guardOf } from "@/lib/authz/entry/route";
import { authJsSession } from "@/lib/authz/session";
import { requestFor, routeContext, sessionCookie } from "@/lib/authz/testing";
import { configError } from "../support/config-error";

const SECRET = "route-test-secret-0123456789";
const T0 = 1_800_000_000_000;

const access = defineAccess({
  roles: { member: { permissions: ["notes:write"] }, admin: { inherits: ["member"] } },
  plans: { free: { features: [] } },
});
type Decl = typeof access.declaration;

const policies = {
  member: access.policy({ name: "member", role: "member" }),
  public: access.policy({ name: "public", signedIn: false }),
  limited: access.policy({
    name: "limited",
    rateLimit: { operation: "notes.write", limit: 2, window: "1m" },
  }),
  owned: access.policy({ name: "owned", resource: { owner: "ownerId", conceal: "all" } }),
};

/** Counts hits: the tests check that a refused or invalid request spends none. */
function countingStore() {
  let hits = 0;
  const store: RateLimitStore = {
    async consume(_key, { limit }) {
      hits += 1;
      return {
        success: hits <= limit,
        limit,
        remaining: Math.max(0, limit - hits),
        reset: T0 + 60_000,
      };
    },
  };
  return { store, hits: () => hits };
}

let counter = countingStore();
const kit = () => {
  counter = countingStore();
  return createAuthz({
    session: authJsSession({ secret: SECRET }),
    rateLimitStore: counter.store,
    now: () => T0,
    onError: () => {},
  });
};

let member = "";
beforeAll(async () => {
  member = await sessionCookie(
    { sub: "user-bob", role: "member", tenant: "acme" },
    { secret: SECRET },
  );
});

const paramsSchema = z.object({
  id: z.string().regex(/^note-\d+$/, "id must look like note-<number>"),
});
const bodySchema = z.object({
  title: z.string().min(1, "title is required"),
  tags: z.array(z.string().max(8, "tag too long")).max(3).default([]),
});

function noteRoute(authz = kit(), maxBodyBytes?: number) {
  let calls = 0;
  const handler = authz.withAuthorization(
    policies.member,
    {
      params: paramsSchema,
      body: bodySchema,
      ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
    },
    async (_request, { params, body, subject }) => {
      calls += 1;
      return Response.json(
        { id: params.id, title: body.title, tags: body.tags, by: subject.id },
        { status: 201 },
      );
    },
  );
  return { handler, calls: () => calls };
}

const post = (
  id: string,
  body: string | undefined,
  init: { cookie?: string; headers?: Record<string, string> } = {},
) =>
  new Request(`http://localhost:3000/api/notes/${id}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(init.cookie !== undefined ? { cookie: init.cookie } : {}),
      ...init.headers,
    },
    ...(body !== undefined ? { body } : {}),
  });

async function expect400(
  response: Response,
  message: string,
  issues?: { path: string; message: string }[],
) {
  expect(response.status).toBe(400);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("content-type")).toBe("application/json");
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual({
    error: "Bad Request",
    message,
    code: "invalid_request",
    ...(issues ? { issues } : {}),
  });
}

describe("params and body validation", () => {
  it("valid params and body reach the handler, parsed (defaults applied)", async () => {
    const { handler, calls } = noteRoute();
    const response = await handler(
      post("note-1", '{"title":"Hello"}', { cookie: member }),
      routeContext({ id: "note-1" }),
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      id: "note-1",
      title: "Hello",
      tags: [],
      by: "user-bob",
    });
    expect(calls()).toBe(1);
  });

  it("invalid params → 400 with the field issue, handler not run", async () => {
    const { handler, calls } = noteRoute();
    const response = await handler(
      post("nope", '{"title":"x"}', { cookie: member }),
      routeContext({ id: "nope" }),
    );
    await expect400(response, "Invalid route parameters", [
      { path: "id", message: "id must look like note-<number>" },
    ]);
    expect(calls()).toBe(0);
  });

  it("invalid body → 400 listing every field issue with dotted paths", async () => {
    const { handler, calls } = noteRoute();
    const response = await handler(
      post("note-1", '{"title":"","tags":["ok","much-too-long"]}', { cookie: member }),
      routeContext({ id: "note-1" }),
    );
    await expect400(response, "Invalid request body", [
      { path: "title", message: "title is required" },
      { path: "tags.1", message: "tag too long" },
    ]);
    expect(calls()).toBe(0);
  });

  it.each([
    ["not JSON", "{title: hello}"],
    ["truncated JSON", '{"title":"x"'],
    ["empty body", ""],
    ["whitespace only", "  \n "],
  ])("%s → 400 Request body must be JSON", async (_label, text) => {
    const { handler, calls } = noteRoute();
    await expect400(
      await handler(post("note-1", text, { cookie: member }), routeContext({ id: "note-1" })),
      "Request body must be JSON",
    );
    expect(calls()).toBe(0);
  });

  it.each([
    ["text/plain (a cross-site form can send it without a preflight)", "text/plain"],
    ["a form", "application/x-www-form-urlencoded"],
    ["no content type", ""],
  ])("a JSON body sent as %s → 415, handler not run", async (_label, contentType) => {
    const { handler, calls } = noteRoute();
    const request = post("note-1", '{"title":"Hello"}', {
      cookie: member,
      headers: { "content-type": contentType },
    });
    if (contentType === "") request.headers.delete("content-type");
    const response = await handler(request, routeContext({ id: "note-1" }));
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: "Unsupported Media Type",
      message: "Request body must be sent as application/json",
      code: "unsupported_media_type",
    });
    expect(calls()).toBe(0);
  });

  it("application/json with a charset and vendor +json types are JSON", async () => {
    for (const type of ["application/json; charset=utf-8", "application/merge-patch+json"]) {
      const { handler, calls } = noteRoute();
      const response = await handler(
        post("note-1", '{"title":"Hi"}', { cookie: member, headers: { "content-type": type } }),
        routeContext({ id: "note-1" }),
      );
      expect(response.status).toBe(201);
      expect(calls()).toBe(1);
    }
  });

  it("no body at all → 400", async () => {
    const { handler } = noteRoute();
    await expect400(
      await handler(post("note-1", undefined, { cookie: member }), routeContext({ id: "note-1" })),
      "Request body must be JSON",
    );
  });

  it("JSON of the wrong shape (an array) → 400 with a root issue", async () => {
    const { handler } = noteRoute();
    const response = await handler(
      post("note-1", "[1,2]", { cookie: member }),
      routeContext({ id: "note-1" }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { path: string }[] };
    expect(body.issues.map((i) => i.path)).toEqual([""]);
  });

  it("a body over maxBodyBytes → 413 (declared by Content-Length)", async () => {
    const { handler, calls } = noteRoute(kit(), 32);
    const text = JSON.stringify({ title: "x".repeat(100) });
    const response = await handler(
      post("note-1", text, { cookie: member, headers: { "content-length": String(text.length) } }),
      routeContext({ id: "note-1" }),
    );
    expect(response.status).toBe(413);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      error: "Content Too Large",
      message: "Request body is larger than 32 bytes",
      code: "payload_too_large",
    });
    expect(calls()).toBe(0);
  });

  it("a body over maxBodyBytes → 413 (no Content-Length: counted as read, in UTF-8 bytes)", async () => {
    const { handler } = noteRoute(kit(), 32);
    // 12 × "é" is 12 characters but 24 bytes; with the JSON around it, 37 bytes.
    const text = JSON.stringify({ title: "é".repeat(12) });
    const response = await handler(
      post("note-1", text, { cookie: member }),
      routeContext({ id: "note-1" }),
    );
    expect(response.status).toBe(413);
  });

  it("a body of exactly maxBodyBytes is accepted", async () => {
    const text = JSON.stringify({ title: "x".repeat(20) });
    const { handler } = noteRoute(kit(), new TextEncoder().encode(text).byteLength);
    expect(
      (await handler(post("note-1", text, { cookie: member }), routeContext({ id: "note-1" })))
        .status,
    ).toBe(201);
  });

  it("an endless streamed body is cut off at maxBodyBytes → 413, not read forever", async () => {
    const { handler, calls } = noteRoute(kit(), 1024);
    let pulled = 0;
    let cancelled = false;
    const chunk = new TextEncoder().encode(`{"title":"${"x".repeat(4096)}`);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request("http://localhost:3000/api/notes/note-1", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: member },
      body: endless,
      duplex: "half",
    } as RequestInit);
    const response = await handler(request, routeContext({ id: "note-1" }));
    expect(response.status).toBe(413);
    expect(calls()).toBe(0);
    // It stopped reading soon after the limit (a few chunks of read-ahead at most) and let go of the stream.
    expect(pulled).toBeLessThan(10);
    expect(cancelled).toBe(true);
  });

  it("validation runs after the session check: anonymous gets 401, not 400, and the body is not read", async () => {
    const { handler } = noteRoute();
    const request = post("nope", "{not json", {});
    const response = await handler(request, routeContext({ id: "nope" }));
    expect(response.status).toBe(401);
    expect(request.bodyUsed).toBe(false);
  });

  it("an invalid request spends no rate-limit budget (validation before counting)", async () => {
    const authz = kit();
    const handler = authz.withAuthorization(policies.limited, { body: bodySchema }, async () =>
      Response.json({ ok: true }),
    );
    for (let i = 0; i < 5; i++) {
      expect((await handler(post("n", "{}", { cookie: member }), routeContext())).status).toBe(400);
    }
    expect(counter.hits()).toBe(0);
    expect(
      (await handler(post("n", '{"title":"t"}', { cookie: member }), routeContext())).status,
    ).toBe(200);
    expect(counter.hits()).toBe(1);
  });

  it("without a body schema the body is left for the handler to read", async () => {
    const handler = kit().withAuthorization(
      policies.member,
      async (request) => new Response(await request.text()),
    );
    const response = await handler(
      post("n", "raw text, not JSON", { cookie: member }),
      routeContext(),
    );
    expect(await response.text()).toBe("raw text, not JSON");
  });
});

describe("params are awaited", () => {
  it("Next 15/16 pass params as a Promise; the handler gets the values", async () => {
    let seen: unknown;
    const handler = kit().withAuthorization(policies.member, async (_request, { params }) => {
      seen = params;
      return new Response(null, { status: 204 });
    });
    const slowParams = {
      params: new Promise<Record<string, string | string[]>>((resolve) =>
        setTimeout(() => resolve({ id: "a", path: ["x", "y"] }), 5),
      ),
    };
    expect((await handler(requestFor("/x", { cookie: member }), slowParams)).status).toBe(204);
    expect(seen).toEqual({ id: "a", path: ["x", "y"] });
  });

  it("a handler called without a context (as in a unit test) gets empty params", async () => {
    let seen: unknown;
    const handler = kit().withAuthorization(policies.member, async (_request, { params }) => {
      seen = params;
      return new Response(null, { status: 204 });
    });
    await (handler as (request: Request) => Promise<Response>)(
      requestFor("/x", { cookie: member }),
    );
    expect(seen).toEqual({});
  });

  it("a params Promise that rejects → 500, handler not run", async () => {
    let ran = false;
    const handler = kit().withAuthorization(policies.member, async () => {
      ran = true;
      return new Response();
    });
    const params = Promise.reject(new Error("router broke"));
    // Marked handled here: the kit awaits it only after the session check, a tick later.
    params.catch(() => undefined);
    const response = await handler(requestFor("/x", { cookie: member }), { params });
    expect(response.status).toBe(500);
    expect(ran).toBe(false);
  });
});

describe("RateLimit headers reach every allowed response", () => {
  it("a normal Response gets RateLimit-Policy and RateLimit", async () => {
    const handler = kit().withAuthorization(policies.limited, async () =>
      Response.json({ ok: true }),
    );
    const response = await handler(requestFor("/x", { cookie: member }), routeContext());
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit-policy")).toBe('"notes.write";q=2;w=60');
    expect(response.headers.get("ratelimit")).toBe('"notes.write";r=1;t=60');
  });

  it("Response.redirect (immutable headers) is copied: status, Location and body kept, fields added", async () => {
    const handler = kit().withAuthorization(policies.limited, async () =>
      Response.redirect("http://localhost:3000/done", 303),
    );
    const response = await handler(requestFor("/x", { cookie: member }), routeContext());
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("http://localhost:3000/done");
    expect(response.headers.get("ratelimit")).toBe('"notes.write";r=1;t=60');
    expect(response.headers.get("ratelimit-policy")).toBe('"notes.write";q=2;w=60');
  });

  it("a policy without a rate limit returns the handler's response untouched when it set its own caching", async () => {
    const original = new Response(null, {
      status: 302,
      headers: { location: "http://localhost:3000/elsewhere", "cache-control": "no-cache" },
    });
    const handler = kit().withAuthorization(policies.member, async () => original);
    expect(await handler(requestFor("/x", { cookie: member }), routeContext())).toBe(original);
  });
});

describe("definition-time checks and marks", () => {
  it("a missing handler is a TypeError at definition", () => {
    expect(() => kit().withAuthorization(policies.member, {} as never, undefined as never)).toThrow(
      configError(
        "invalid_route",
        "Invalid withAuthorization(member): the handler must be a function",
      ),
    );
  });

  it("wrapped handlers carry their policy's mark for the coverage test", () => {
    const handler = kit().withAuthorization(policies.member, async () => new Response());
    expect(guardOf(handler)).toEqual({ kind: "policy", policy: "member" });
  });
});

describe("the request handlers get", () => {
  // Next's route runtime bundles its own NextRequest class, so what it passes is never an
  // instance of the one the kit imports: it has the shape (nextUrl, cookies), not the identity.
  class RuntimeNextRequest extends Request {
    readonly nextUrl = new URL(this.url);
    readonly cookies = new RequestCookies(this.headers);
  }

  it("is Next's own request object, not a copy, whichever copy of the class made it", async () => {
    const seen: Request[] = [];
    const handler = kit().withAuthorization(policies.public, async (request) => {
      seen.push(request);
      return new Response();
    });
    const incoming = new RuntimeNextRequest("http://localhost/api/x");
    await handler(incoming, routeContext());
    expect(seen[0]).toBe(incoming);
    const ours = new NextRequestClass("http://localhost/api/x");
    await handler(ours, routeContext());
    expect(seen[1]).toBe(ours);
  });

  it("is a NextRequest over the same body when a plain Request comes in (a test)", async () => {
    const seen: Request[] = [];
    const handler = kit().withAuthorization(policies.public, async (request) => {
      seen.push(request);
      return Response.json(await request.json());
    });
    const plain = new Request("http://localhost/api/x", {
      method: "POST",
      body: JSON.stringify({ a: 1 }),
      headers: { "content-type": "application/json", origin: "http://localhost" },
    });
    const response = await handler(plain, routeContext());
    expect(seen[0]).toBeInstanceOf(NextRequestClass);
    expect(seen[0]).not.toBe(plain);
    expect(await response.json()).toEqual({ a: 1 });
  });
});

describe("handler context types", () => {
  it("subject, params, body and resource are typed from the policy and the options", () => {
    const authz = kit();
    authz.withAuthorization(
      policies.member,
      { params: paramsSchema, body: bodySchema },
      async (request, context) => {
        expectTypeOf(request).toEqualTypeOf<NextRequest>();
        expectTypeOf(context.subject).toEqualTypeOf<Subject<Decl>>();
        expectTypeOf(context.params).toEqualTypeOf<{ id: string }>();
        expectTypeOf(context.body).toEqualTypeOf<{ title: string; tags: string[] }>();
        expectTypeOf(context.resource).toEqualTypeOf<undefined>();
        return new Response();
      },
    );
    authz.withAuthorization(policies.public, async (_request, { subject, params, body }) => {
      expectTypeOf(subject).toEqualTypeOf<Subject<Decl> | null>();
      expectTypeOf(params).toEqualTypeOf<Readonly<Record<string, string | string[] | undefined>>>();
      expectTypeOf(body).toEqualTypeOf<undefined>();
      return new Response();
    });
    authz.withAuthorization(
      policies.owned,
      {
        params: paramsSchema,
        load: async ({ params, subject }) => ({ id: params.id, ownerId: subject.id, text: "t" }),
      },
      async (_request, { resource }) => {
        expectTypeOf(resource).toEqualTypeOf<{ id: string; ownerId: string; text: string }>();
        return new Response();
      },
    );
    // @ts-expect-error a handler must return a Response
    authz.withAuthorization(policies.member, async () => "not a response");
  });

  it("the loader sees validated params and the subject, once", async () => {
    let loads = 0;
    const handler = kit().withAuthorization(
      policies.owned,
      {
        params: paramsSchema,
        load: async ({ params, subject }) => {
          loads += 1;
          return { id: params.id, ownerId: params.id === "note-1" ? subject.id : "someone-else" };
        },
      },
      async (_request, { resource }) => Response.json(resource),
    );
    const mine = await handler(
      requestFor("/n/note-1", { cookie: member }),
      routeContext({ id: "note-1" }),
    );
    expect(await mine.json()).toEqual({ id: "note-1", ownerId: "user-bob" });
    const theirs = await handler(
      requestFor("/n/note-2", { cookie: member }),
      routeContext({ id: "note-2" }),
    );
    expect(theirs.status).toBe(404);
    const invalid = await handler(
      requestFor("/n/bad", { cookie: member }),
      routeContext({ id: "bad" }),
    );
    expect(invalid.status).toBe(400);
    // The invalid id never reached the loader.
    expect(loads).toBe(2);
  });
});
