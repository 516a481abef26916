/**
 * What the collector and the Redis read path take as a decision event: a well-formed event comes
 * back as it was; one that lacks a required field, or holds a value outside the contract's
 * vocabulary, is refused whole (null), and optional fields outside it are left out. Each case was
 * a mutant of lib/authz/decision-log/parse.ts that no other test noticed (npm run mutation).
 */
import { describe, expect, it } from "vitest";
import { parseDecisionEvent, type DecisionEvent } from "@/lib/authz/decision-log";

const full: DecisionEvent = {
  time: "2026-12-07T16:00:00.000Z",
  requestId: "req-shape",
  layer: "middleware",
  policy: "admin",
  outcome: "deny",
  status: 403,
  code: "role_required",
  rule: "role",
  message: "Requires admin role",
  subject: "user-bob",
  org: "acme",
  credential: "bearer",
  client: "cli-1",
  method: "GET",
  path: "/api/admin/users",
  ip: "203.0.113.0/24",
  durationMs: 0.5,
  shadow: { policy: "candidate", outcome: "allow", status: 200, code: "x", rule: "y" },
  action: { id: "40abcdef", name: "deleteUserAction" },
};
// The fields every event has; the rest are optional.
const REQUIRED = [
  "time",
  "requestId",
  "layer",
  "policy",
  "outcome",
  "status",
  "subject",
  "method",
  "path",
  "durationMs",
] as const;
const without = (key: string) =>
  Object.fromEntries(Object.entries(full).filter(([k]) => k !== key));

describe("parseDecisionEvent: the event's shape", () => {
  it("gives a well-formed event back field for field", () => {
    expect(parseDecisionEvent(JSON.parse(JSON.stringify(full)))).toEqual(full);
    const minimal = Object.fromEntries(REQUIRED.map((k) => [k, full[k]]));
    expect(parseDecisionEvent({ ...minimal, subject: null })).toEqual({
      ...minimal,
      subject: null,
    });
  });

  it.each(REQUIRED)("refuses an event without %s", (key) => {
    expect(parseDecisionEvent(without(key))).toBeNull();
  });

  it.each([
    ["layer", "kernel"],
    ["outcome", "maybe"],
    ["status", "403"],
    ["status", Number.NaN],
    ["durationMs", Number.POSITIVE_INFINITY],
    ["time", 5],
    ["policy", {}],
  ])("refuses %s = %j", (key, value) => {
    expect(parseDecisionEvent({ ...full, [key]: value })).toBeNull();
  });

  it("refuses what is not an object", () => {
    for (const value of [null, undefined, "event", 5, true])
      expect(parseDecisionEvent(value)).toBeNull();
  });

  it("leaves out a credential kind outside the contract's three, and keeps each of them", () => {
    for (const kind of ["session", "bearer", "api_key"])
      expect(parseDecisionEvent({ ...full, credential: kind })?.credential).toBe(kind);
    for (const kind of ["cookie", "", 1])
      expect(parseDecisionEvent({ ...full, credential: kind })).not.toHaveProperty("credential");
  });

  it("refuses a shadow or action that is not a well-formed one", () => {
    const shadowless = parseDecisionEvent({ ...full, shadow: { policy: "candidate" } });
    expect(shadowless).not.toHaveProperty("shadow");
    expect(parseDecisionEvent({ ...full, shadow: "allow" })).not.toHaveProperty("shadow");
    expect(
      parseDecisionEvent({ ...full, action: { name: "deleteUserAction" } }),
    ).not.toHaveProperty("action");
    expect(parseDecisionEvent({ ...full, action: { id: "40abcdef" } })?.action).toEqual({
      id: "40abcdef",
    });
  });
});
