/**
 * The words of a refusal are the contract (DESIGN §1.3): written out here as literals, not read
 * back from the module's own constants, so a changed word fails a test. And the Accept header's
 * edges decide between plain JSON and RFC 9457 problem details.
 */
import { describe, expect, it } from "vitest";
import { deny, type DenyStatusCode } from "@/lib/authz/decide/decision";
import { denialResponse, REFUSAL_CACHE_CONTROL, wantsProblemJson } from "@/lib/authz/http/respond";

const TITLES: Record<DenyStatusCode, string> = {
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
const CODES: Record<DenyStatusCode, Parameters<typeof deny>[0]> = {
  400: "invalid_request",
  401: "unauthenticated",
  403: "role_required",
  404: "not_found",
  409: "last_org_admin",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  500: "authorization_error",
  503: "authorization_unavailable",
};
const problemAccept = (accept: string) => new Request("https://app.test/", { headers: { accept } });

describe("a refusal's words", () => {
  it.each(Object.entries(TITLES))(
    "%s is titled %j in JSON and in problem details",
    async (s, t) => {
      const status = Number(s) as DenyStatusCode;
      const refusal = deny(CODES[status], "why", { rule: "test" });
      expect(refusal.status).toBe(status);
      const json = denialResponse(refusal);
      expect(json.status).toBe(status);
      expect(json.headers.get("cache-control")).toBe("no-store");
      expect(await json.json()).toMatchObject({ error: t, message: "why", code: CODES[status] });
      const problem = denialResponse(refusal, problemAccept("application/problem+json"));
      expect(await problem.json()).toMatchObject({
        type: `tag:next-authz-kit,2026:${CODES[status]}`,
        title: t,
        status,
        detail: "why",
      });
    },
  );

  it("a 401 names the Auth.js cookie scheme unless told otherwise", () => {
    expect(
      denialResponse(deny("unauthenticated", "x", { rule: "test" })).headers.get(
        "www-authenticate",
      ),
    ).toBe(
      'Cookie realm="app", form-action="/api/auth/signin", cookie-name="authjs.session-token"',
    );
  });

  it("a page refused by a rewrite is private and never stored", () => {
    expect(REFUSAL_CACHE_CONTROL).toBe("private, no-store");
  });
});

describe("wantsProblemJson: the Accept header's edges", () => {
  it("media types are case-insensitive", () => {
    expect(wantsProblemJson(problemAccept("Application/Problem+JSON"))).toBe(true);
  });

  it("a q parameter counts with spaces around it", () => {
    expect(
      wantsProblemJson(problemAccept("application/json, application/problem+json; q=0.5")),
    ).toBe(false);
    expect(
      wantsProblemJson(problemAccept("application/json;q=0.4, application/problem+json ; q=0.5")),
    ).toBe(true);
  });

  it("plain JSON ranked above problem details wins, space before its parameters or not", () => {
    expect(
      wantsProblemJson(problemAccept("application/problem+json;q=0.5, application/json ;q=0.9")),
    ).toBe(false);
  });
});
