/**
 * A refusal always leaves a trace (issue 23, point 1): an event is never dropped for its size. Each
 * text field longer than its bound (DECISION_FIELD_BOUNDS) is cut to it and the cut counted in
 * `truncated`, the same on every path an event takes: built by the log (record), handed to it
 * (accept), through the memory and console sinks, posted by the collector sink to the collector
 * route, and read back (parseDecisionEvent, which the Redis sink's read path uses: see
 * tests/integration/decision-log-redis.test.ts for the real server). Each field at, under and over
 * its bound.
 */
import { describe, expect, it } from "vitest";
import {
  collectorRoute,
  collectorSink,
  consoleSink,
  createDecisionLog,
  memorySink,
  parseDecisionEvent,
  type DecisionEvent,
} from "@/lib/authz/decision-log";
import { DECISION_FIELD_BOUNDS, type BoundedField } from "@/lib/authz/decision-log/event";
import { deny } from "@/lib/authz/decide/decision";

const SECRET = "field-bounds-test-secret-0123456789";
const FIELDS = Object.keys(DECISION_FIELD_BOUNDS) as BoundedField[];

const base: DecisionEvent = {
  time: "2026-12-07T16:00:00.000Z",
  requestId: "req-bounds",
  layer: "route",
  policy: "admin",
  outcome: "deny",
  status: 403,
  code: "role_required",
  rule: "role",
  message: "Requires admin role",
  subject: "user-bob",
  org: "acme",
  method: "GET",
  path: "/api/admin/users",
  ip: "203.0.113.0/24",
  durationMs: 0.5,
  shadow: { policy: "candidate", outcome: "allow", status: 200, code: "x", rule: "y" },
  action: { id: "40abcdef", name: "deleteUserAction" },
};

/** `base` with one field (dotted for shadow.* and action.*) set to `value`. */
function withField(field: BoundedField, value: string): DecisionEvent {
  const [head, tail] = field.split(".") as [keyof DecisionEvent, string | undefined];
  if (tail === undefined) return { ...base, [head]: value };
  return { ...base, [head]: { ...(base[head] as object), [tail]: value } };
}

function fieldOf(event: DecisionEvent, field: BoundedField): unknown {
  const [head, tail] = field.split(".") as [keyof DecisionEvent, string | undefined];
  const holder = event[head];
  return tail === undefined ? holder : (holder as Record<string, unknown> | undefined)?.[tail];
}

/** A value of `length` code units that says where it came from (no repeating prefix to fool us). */
const valueOf = (length: number) =>
  Array.from({ length }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");

/** Under, at, just over and far over the bound, with what each must become. */
function casesFor(field: BoundedField) {
  const max = DECISION_FIELD_BOUNDS[field];
  return [
    { label: "under", value: valueOf(max - 1), kept: valueOf(max - 1), cut: 0 },
    { label: "at", value: valueOf(max), kept: valueOf(max), cut: 0 },
    { label: "over by one", value: valueOf(max + 1), kept: valueOf(max), cut: 1 },
    { label: "far over", value: valueOf(max * 40), kept: valueOf(max), cut: max * 39 },
  ];
}

function expectBounded(
  event: DecisionEvent | null | undefined,
  field: BoundedField,
  c: { label: string; kept: string; cut: number },
) {
  const what = `${field} ${c.label}`;
  expect(event, what).toBeTruthy();
  expect(fieldOf(event!, field), what).toBe(c.kept);
  if (c.cut === 0) expect(event!.truncated, what).toBeUndefined();
  else expect(event!.truncated, what).toEqual({ [field]: c.cut });
  // Nothing else about the event changed.
  for (const other of FIELDS)
    if (other !== field)
      expect(fieldOf(event!, other), `${what}: ${other}`).toBe(fieldOf(base, other));
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("the read path: parseDecisionEvent cuts, never drops", () => {
  for (const field of FIELDS)
    it(`${field} (bound ${DECISION_FIELD_BOUNDS[field]})`, () => {
      for (const c of casesFor(field))
        expectBounded(parseDecisionEvent(withField(field, c.value)), field, c);
    });

  it("never cuts inside a surrogate pair; the count is what was cut", () => {
    const max = DECISION_FIELD_BOUNDS.path;
    const event = parseDecisionEvent(withField("path", `${valueOf(max - 1)}😀`));
    expect(event!.path).toBe(valueOf(max - 1));
    expect(event!.truncated).toEqual({ path: 2 });
  });

  it("cuts made upstream add up with its own; a forged count that is not a count is ignored", () => {
    const over = withField("path", valueOf(DECISION_FIELD_BOUNDS.path + 5));
    const event = parseDecisionEvent({
      ...over,
      truncated: { path: 10, org: 3, cookie: 9, rule: -1 },
    });
    expect(event!.truncated).toEqual({ path: 15, org: 3 });
  });

  it("still refuses what is not an event (a missing field, a wrong type)", () => {
    const noPath: Record<string, unknown> = { ...base };
    delete noPath.path;
    expect(parseDecisionEvent(noPath)).toBeNull();
    expect(parseDecisionEvent({ ...base, status: "403" })).toBeNull();
    expect(parseDecisionEvent({ ...base, subject: 7 })).toBeNull();
  });
});

describe("accept(): every field, into the memory and console sinks", () => {
  for (const field of FIELDS)
    it(`${field}`, async () => {
      const lines: string[] = [];
      const log = createDecisionLog({
        sinks: [memorySink(), consoleSink({ log: (l) => lines.push(l) })],
      });
      const cases = casesFor(field);
      for (const c of cases) log.accept(withField(field, c.value));
      await log.drain();
      const kept = [...(await log.recent(10))].reverse();
      expect(kept).toHaveLength(cases.length);
      expect(lines).toHaveLength(cases.length);
      cases.forEach((c, i) => {
        expectBounded(kept[i], field, c);
        const printed = JSON.parse(lines[i]!) as Record<string, unknown>;
        expect(printed.authz).toBe("decision");
        expectBounded(printed as unknown as DecisionEvent, field, c);
      });
    });
});

describe("record(): the fields a decision carries in, bounded before any sink", () => {
  const recordOne = async (
    overrides: { path?: string; policy?: string; subject?: string; org?: string; message?: string },
    method = "GET",
  ) => {
    const log = createDecisionLog({ sinks: [memorySink()] });
    log.record({
      layer: "route",
      policy: overrides.policy ?? "admin",
      request: new Request(`https://app.test${overrides.path ?? "/x"}?q=1`, { method }),
      refusal: deny("role_required", overrides.message ?? "Requires admin role", { rule: "role" }),
      subject: overrides.subject ?? "user-bob",
      ...(overrides.org !== undefined ? { org: overrides.org } : {}),
      ip: null,
      startedAt: performance.now(),
    });
    await new Promise((r) => setTimeout(r, 0));
    await log.drain();
    const [event] = await log.recent(1);
    return event!;
  };

  it("a long request path: the refusal is recorded, its path cut at 2048 and counted", async () => {
    for (const c of casesFor("path")) {
      const path = `/${c.value.slice(1)}`;
      const event = await recordOne({ path });
      expect(event.outcome).toBe("deny");
      expect(event.path).toBe(path.slice(0, DECISION_FIELD_BOUNDS.path));
      expect(event.truncated).toEqual(c.cut === 0 ? undefined : { path: c.cut });
    }
  });

  for (const field of ["policy", "subject", "org", "message"] as const)
    it(`${field}`, async () => {
      for (const c of casesFor(field)) {
        const event = await recordOne({ [field]: c.value });
        expect(event[field], `${field} ${c.label}`).toBe(c.kept);
        expect(event.truncated).toEqual(c.cut === 0 ? undefined : { [field]: c.cut });
      }
    });

  it("method (an extension method a client may send)", async () => {
    for (const c of casesFor("method")) {
      const method = c.value.toUpperCase();
      const event = await recordOne({}, method);
      expect(event.method).toBe(c.kept.toUpperCase());
      expect(event.truncated).toEqual(c.cut === 0 ? undefined : { method: c.cut });
    }
  });
});

describe("the collector's path: middleware sink → signed batch → route → log", () => {
  for (const field of FIELDS)
    it(`${field}`, async () => {
      const log = createDecisionLog({ sinks: [memorySink()] });
      const route = collectorRoute(log, { secret: () => SECRET });
      const answers: number[] = [];
      const sink = collectorSink({
        url: () => "http://x.test/api/authz/collect",
        secret: () => SECRET,
        intervalMs: 1,
        fetch: async (input, init) => {
          const response = await route(new Request(String(input), init));
          answers.push(response.status);
          return response;
        },
      });
      const cases = casesFor(field);
      for (const c of cases) sink.write(withField(field, c.value));
      await until(() => answers.length > 0);
      await log.drain();
      expect(answers.every((s) => s === 204)).toBe(true);
      const kept = [...(await log.recent(10))].reverse();
      expect(kept).toHaveLength(cases.length);
      cases.forEach((c, i) => expectBounded(kept[i], field, c));
    });

  it("a flush whose events outgrow one body is split, never refused 413 and lost", async () => {
    const log = createDecisionLog({ sinks: [memorySink()] });
    const route = collectorRoute(log, { secret: () => SECRET });
    const answers: number[] = [];
    const sink = collectorSink({
      url: () => "http://x.test/c",
      secret: () => SECRET,
      batchSize: 100,
      intervalMs: 5,
      fetch: async (input, init) => {
        const response = await route(new Request(String(input), init));
        answers.push(response.status);
        return response;
      },
    });
    // 100 events of bounded size whose JSON is mostly escapes: about 1.2 MB in one flush.
    const quoted = '"'.repeat(DECISION_FIELD_BOUNDS.path);
    for (let i = 0; i < 100; i++)
      sink.write({
        ...withField("path", quoted),
        message: "\u0001".repeat(500),
        requestId: `r${i}`,
      });
    await until(() => answers.length >= 3);
    await new Promise((r) => setTimeout(r, 50));
    await log.drain();
    expect(answers.length).toBeGreaterThan(1);
    expect(answers.every((s) => s === 204)).toBe(true);
    expect(await log.recent(1000)).toHaveLength(100);
  });
});
