/**
 * respond.ts: the one place a refusal becomes a response. Accept negotiation (plain JSON by default,
 * RFC 9457 problem details when the client ranks them at least as high as JSON) and the exact shape
 * of both bodies, for every status the kit answers with.
 */
import { describe, expect, it } from "vitest";
import {
  deny,
  DenyStatus,
  internalError,
  notFound,
  type DenyCode,
} from "@/lib/authz/decide/decision";
import { DEFAULT_CHALLENGE, denialResponse, wantsProblemJson } from "@/lib/authz/http/respond";

const withAccept = (accept?: string) =>
  new Request("http://localhost/x", accept === undefined ? {} : { headers: { accept } });

describe("wantsProblemJson: Accept negotiation with q-values", () => {
  it.each([
    // [Accept, problem details?]
    [undefined, false],
    ["", false],
    ["*/*", false],
    ["application/json", false],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false],
    ["application/problem+json", true],
    ["APPLICATION/PROBLEM+JSON", true],
    ["application/problem+json; charset=utf-8", true],
    ["  application/problem+json ;q=1 ", true],
    // Ties go to problem details: the client named them explicitly.
    ["application/json, application/problem+json", true],
    ["application/problem+json, application/json", true],
    ["application/json;q=0.5, application/problem+json;q=0.5", true],
    // JSON ranked higher wins; problem details ranked higher win.
    ["application/json, application/problem+json;q=0.9", false],
    ["application/json;q=0.8, application/problem+json;q=0.9", true],
    ["application/problem+json;q=0.1, */*", true],
    // q=0 means "not acceptable" (RFC 9110 §12.4.2).
    ["application/problem+json;q=0", false],
    ["application/problem+json;q=0.000, application/json", false],
    // An unparsable q counts as 0, never as a preference.
    ["application/problem+json;q=high", false],
    // The highest q of repeated entries counts.
    [
      "application/problem+json;q=0.2, application/json;q=0.5, application/problem+json;q=0.7",
      true,
    ],
    // Other parameters before q are skipped.
    ["application/problem+json;charset=utf-8;q=0.3, application/json;q=0.4", false],
  ] as const)("Accept %j → %s", (accept, expected) => {
    expect(wantsProblemJson(withAccept(accept))).toBe(expected);
  });

  it("no request at all → plain JSON", () => {
    expect(wantsProblemJson(undefined)).toBe(false);
  });
});

describe("denialResponse: plain JSON", () => {
  const codes = Object.keys(DenyStatus) as DenyCode[];
  const statusText: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
  };

  it.each(codes)(
    "%s: status from the table, { error, message, code }, no-store, no cookie",
    async (code) => {
      const status = DenyStatus[code];
      const response = denialResponse(deny(code, "One sentence.", { rule: "test" }));
      expect(response.status).toBe(status);
      expect(await response.text()).toBe(
        JSON.stringify({ error: statusText[status], message: "One sentence.", code }),
      );
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(response.headers.get("www-authenticate")).toBe(
        status === 401 ? DEFAULT_CHALLENGE : null,
      );
    },
  );

  it("the seed's body, exactly", async () => {
    const response = denialResponse(
      deny("role_required", "Requires admin role", {
        rule: "role",
        details: { required_role: "admin" },
      }),
    );
    expect(await response.text()).toBe(
      '{"error":"Forbidden","message":"Requires admin role","code":"role_required","required_role":"admin"}',
    );
  });

  it("details follow error, message and code; the rule never reaches the client", async () => {
    const decision = deny("plan_required", "Requires pro plan", {
      rule: "feature-secret-rule-name",
      details: { feature: "export", required_plan: "pro", upgrade_url: "/pricing" },
    });
    const text = await denialResponse(decision).text();
    expect(text).toBe(
      '{"error":"Forbidden","message":"Requires pro plan","code":"plan_required","feature":"export","required_plan":"pro","upgrade_url":"/pricing"}',
    );
    expect(text).not.toContain("feature-secret-rule-name");
  });

  it("a policy's status overrides the table (429 → 403) and the status text follows it", async () => {
    const response = denialResponse(
      deny("rate_limited", "Slow down", {
        rule: "rateLimit",
        status: 403,
        headers: { "Retry-After": "7" },
      }),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await response.json()).toEqual({
      error: "Forbidden",
      message: "Slow down",
      code: "rate_limited",
    });
  });

  it("the refusal's own headers are kept, but cannot undo no-store", () => {
    const response = denialResponse(
      deny("rate_limited", "x", {
        rule: "r",
        headers: { "Retry-After": "3", "Cache-Control": "public, max-age=600" },
      }),
    );
    expect(response.headers.get("retry-after")).toBe("3");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("a custom challenge replaces the default on 401 only", () => {
    const options = { challenge: 'Bearer realm="api"' };
    expect(
      denialResponse(deny("session_invalid", "x", { rule: "s" }), undefined, options).headers.get(
        "www-authenticate",
      ),
    ).toBe('Bearer realm="api"');
    expect(
      denialResponse(deny("role_required", "x", { rule: "r" }), undefined, options).headers.get(
        "www-authenticate",
      ),
    ).toBeNull();
  });

  it("notFound() and internalError() are the generic, leak-free refusals", async () => {
    expect(await denialResponse(notFound("tenant")).text()).toBe(
      '{"error":"Not Found","message":"Resource not found","code":"not_found"}',
    );
    expect(await denialResponse(notFound()).text()).toBe(
      await denialResponse(notFound("owner")).text(),
    );
    expect(await denialResponse(internalError("session")).text()).toBe(
      '{"error":"Internal Server Error","message":"Authorization could not be completed","code":"authorization_error"}',
    );
  });
});

describe("denialResponse: RFC 9457 problem details", () => {
  const request = withAccept("application/problem+json");

  it("type, title, status, detail, then code and details; same status; its own media type", async () => {
    const decision = deny("plan_required", "Requires pro plan", {
      rule: "feature",
      details: { feature: "export", required_plan: "pro", upgrade_url: "/pricing" },
    });
    const response = denialResponse(decision, request);
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.text()).toBe(
      JSON.stringify({
        type: "tag:next-authz-kit,2026:plan_required",
        title: "Forbidden",
        status: 403,
        detail: "Requires pro plan",
        code: "plan_required",
        feature: "export",
        required_plan: "pro",
        upgrade_url: "/pricing",
      }),
    );
  });

  it("401 problem details still carry WWW-Authenticate; 429 keeps Retry-After", () => {
    const unauthorized = denialResponse(
      deny("unauthenticated", "Authentication required", { rule: "session" }),
      request,
    );
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("www-authenticate")).toBe(DEFAULT_CHALLENGE);
    const limited = denialResponse(
      deny("rate_limited", "x", { rule: "r", headers: { "Retry-After": "9" } }),
      request,
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("9");
  });

  it("problemTypeBase changes the type URI prefix", async () => {
    const response = denialResponse(notFound(), request, {
      problemTypeBase: "https://errors.example.com/",
    });
    expect(await response.json()).toMatchObject({
      type: "https://errors.example.com/not_found",
      title: "Not Found",
      status: 404,
    });
  });

  it("a status in the body always equals the response status (RFC 9457 §3.1.2)", async () => {
    for (const code of Object.keys(DenyStatus) as DenyCode[]) {
      const response = denialResponse(deny(code, "m", { rule: "r" }), request);
      expect(((await response.json()) as { status: number }).status).toBe(response.status);
    }
  });
});
