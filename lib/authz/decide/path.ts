/**
 * Path rules for middleware: which policy guards which URL paths, matched in every reading a crafted
 * URL could get (a rule applies when any reading matches, so matching more only refuses more). The
 * route handler's own check stays the authority. Edge-safe and dependency-free.
 *
 * @see docs/middleware.md#path-rules-and-the-variants-a-client-can-send
 */
import { AuthzConfigError } from "../errors";
import type { AccessDeclaration, Policy } from "../types";

/** The methods a rule may name. HEAD is served by GET handlers, so a GET rule covers HEAD too. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** An HTTP method a path rule can be limited to. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * One path rule: the paths, the policy (the same object the route handlers use) and how a refusal
 * looks there.
 */
export interface PathRule<D extends AccessDeclaration = AccessDeclaration> {
  /**
   * The paths, without query: literal segments, `*` (exactly one segment), `**` (any number of
   * segments, none included), and Next's own `[id]`, `[...slug]` (one or more) and `[[...slug]]`
   * (zero or more), so a rule can be copied from the `app/` folder. `/admin/**` covers `/admin`
   * and everything under it. Case-insensitive. At most one multi-segment wildcard per pattern.
   */
  readonly path: string;
  /** The policy; middleware runs only its claims checks (IP, session, role, permission, feature). */
  readonly policy: Policy<D>;
  /**
   * `"api"`: refusals are the kit's JSON responses. `"page"`: an anonymous visitor is redirected to
   * sign-in, a refused one sees the 403 page (GET and HEAD; other methods, such as server actions,
   * get the JSON refusal, since there is no page to show them).
   */
  readonly kind: "api" | "page";
  /**
   * The methods the rule covers. Default: every method, OPTIONS included (a CORS preflight carries
   * no credentials, so list methods only for an API that must answer cross-origin preflights).
   */
  readonly methods?: readonly HttpMethod[];
}

/** A rule checked at definition, with its compiled matcher. */
export interface CompiledPathRule<
  D extends AccessDeclaration = AccessDeclaration,
> extends PathRule<D> {
  /** Whether the rule applies to a method and the candidate forms of a path (from `pathForms`). */
  applies(method: string, forms: readonly PathForm[]): boolean;
}

/** A request path as lower-case segments, after normalisation (see `pathForms`). */
export type PathForm = readonly string[];

/** A compiled path pattern. */
export interface PathPattern {
  readonly source: string;
  /** Whether any of the candidate forms matches. */
  test(forms: readonly PathForm[]): boolean;
}

type Token =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "one" }
  | { readonly kind: "many"; readonly min: 0 | 1 };

// Characters a literal segment may hold: RFC 3986 unreserved and sub-delims, minus `;` (matrix
// parameters) and the wildcard `*`. `%` is refused: write the decoded character instead.
const LITERAL = /^[a-z0-9\-._~!$&'()+,=:@]+$/i;

/**
 * Compiles a path pattern, throwing an AuthzConfigError at start-up for anything ambiguous (`//`,
 * `.`/`..`, `%`, a query, a partial wildcard, a route group or slot, two `**`).
 *
 * @example
 * compilePathPattern("/admin/**").test(pathForms(new URL("https://example.com/ADMIN/users/"))); // true
 * @see docs/middleware.md#path-rules-and-the-variants-a-client-can-send
 */
export function compilePathPattern(source: string): PathPattern {
  const invalid = (why: string): never => {
    throw new AuthzConfigError("invalid_path_rule", `path pattern "${String(source)}"`, `${why}`);
  };
  if (typeof source !== "string" || !source.startsWith("/"))
    invalid("it must be a string starting with /");
  if (/[?#\s]/.test(source)) invalid("no query, fragment or whitespace: rules match the path only");
  if (source.includes("%"))
    invalid("write characters decoded, not percent-encoded (matching decodes the request)");
  if (source.includes("\\")) invalid("backslashes are not path separators in a pattern");
  const tokens: Token[] = [];
  const parts = source === "/" ? [] : source.slice(1).split("/");
  for (const part of parts) {
    if (part === "") invalid("empty segment (// or a trailing /)");
    else if (part === "." || part === "..") invalid("dot segments are resolved before matching");
    else if (part === "**" || /^\[\[\.\.\.[A-Za-z_]\w*\]\]$/.test(part))
      tokens.push({ kind: "many", min: 0 });
    else if (/^\[\.\.\.[A-Za-z_]\w*\]$/.test(part)) tokens.push({ kind: "many", min: 1 });
    else if (part === "*" || /^\[[A-Za-z_]\w*\]$/.test(part)) tokens.push({ kind: "one" });
    else if (part.includes("*")) invalid(`partial wildcard "${part}": use * for a whole segment`);
    else if (/^\(.*\)$/.test(part)) invalid(`route group "${part}" is not part of the URL`);
    else if (part.startsWith("@")) invalid(`parallel route slot "${part}" is not part of the URL`);
    else if (part.startsWith("[")) invalid(`malformed dynamic segment "${part}"`);
    else if (!LITERAL.test(part))
      invalid(`segment "${part}" has characters a URL path would encode`);
    else tokens.push({ kind: "literal", value: part.toLowerCase() });
  }
  const manyAt = tokens.findIndex((t) => t.kind === "many");
  if (manyAt !== -1 && tokens.slice(manyAt + 1).some((t) => t.kind === "many")) {
    invalid("at most one multi-segment wildcard (** or [...slug]) per pattern");
  }

  const fits = (token: Token, segment: string): boolean =>
    token.kind === "literal" ? token.value === segment : true;
  // With at most one multi-segment wildcard, a match is a fixed prefix and suffix around it:
  // linear in the path length, whatever the request sends.
  const matchOne = (segments: PathForm): boolean => {
    if (manyAt === -1)
      return (
        segments.length === tokens.length && tokens.every((t, i) => fits(t, segments[i] ?? ""))
      );
    const many = tokens[manyAt] as Extract<Token, { kind: "many" }>;
    const before = tokens.slice(0, manyAt);
    const after = tokens.slice(manyAt + 1);
    if (segments.length < before.length + after.length + many.min) return false;
    const tail = segments.length - after.length;
    return (
      before.every((t, i) => fits(t, segments[i] ?? "")) &&
      after.every((t, i) => fits(t, segments[tail + i] ?? ""))
    );
  };
  return { source, test: (forms) => forms.some(matchOne) };
}

// Percent escapes of ASCII characters (including `/`, `\` and `.`) are decoded; others stay
// encoded, which cannot equal an ASCII literal of a pattern, and decoding never throws.
const decodeAscii = (text: string): string =>
  text.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Next's transport forms of a page: `.rsc`, `.prefetch.rsc`, `.segments/…`, `/_next/data/<build>/….json`. */
function stripTransport(segments: string[], aggressive: boolean): string[] {
  let s = segments;
  let transport = false;
  if (s[0] === "_next" && s[1] === "data" && s.length >= 4 && s[s.length - 1]!.endsWith(".json")) {
    s = s.slice(3);
    s[s.length - 1] = s[s.length - 1]!.slice(0, -".json".length);
    transport = true;
  } else if (aggressive && s.length > 0 && s[s.length - 1]!.endsWith(".json")) {
    // Next's own matcher accepts `<path>.json` too: treat it as the page it would name.
    s = [...s.slice(0, -1), s[s.length - 1]!.slice(0, -".json".length)];
    transport = true;
  }
  const segmentsDir = s.findIndex((seg) => seg.endsWith(".segments"));
  if (segmentsDir !== -1) {
    s = [...s.slice(0, segmentsDir), s[segmentsDir]!.slice(0, -".segments".length)];
    transport = true;
  } else if (s.length > 0 && s[s.length - 1]!.endsWith(".rsc")) {
    const last = s[s.length - 1]!.replace(/(\.prefetch)?\.rsc$/, "");
    s = [...s.slice(0, -1), last];
    transport = true;
  }
  // `/index.json`, `/index.rsc`: the root page.
  if (transport && s.length === 1 && s[0] === "index") s = [];
  return s.filter((seg) => seg !== "");
}

/**
 * The lower-case candidate forms of a request path that rules are matched against: the router's
 * reading and an aggressive, fully decoded one, both without Next's transport wrappers.
 *
 * @example
 * pathForms(new URL("http://x/api/%61dmin//users/")); // [["api", "admin", "users"]]
 * @see docs/middleware.md#path-rules-and-the-variants-a-client-can-send
 */
export function pathForms(url: { readonly pathname: string }): readonly PathForm[] {
  const raw = url.pathname;
  const routed = stripTransport(
    raw
      .replace(/\\/g, "/")
      .split("/")
      .filter((s) => s !== "")
      .map((s) => decodeAscii(s).toLowerCase()),
    false,
  );

  let decoded = raw;
  for (let i = 0; i < 4; i++) {
    const next = decodeAscii(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  const resolved: string[] = [];
  for (const part of decoded.replace(/\\/g, "/").split("/")) {
    const segment = part.replace(/;.*$/, "").toLowerCase();
    if (segment === "" || segment === ".") continue;
    if (segment === "..") resolved.pop();
    else resolved.push(segment);
  }
  const aggressive = stripTransport(resolved, true);

  const same = routed.length === aggressive.length && routed.every((s, i) => s === aggressive[i]);
  return same ? [routed] : [routed, aggressive];
}

const METHOD_SET = new Set<string>(HTTP_METHODS);

function isPolicy(value: unknown): value is Policy {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { checkSubject?: unknown }).checkSubject === "function"
  );
}

/**
 * Checks and compiles path rules once, at start-up; a wrong rule throws an AuthzConfigError naming it.
 *
 * @example
 * export const pathRules = definePathRules([
 *   { path: "/admin/**", policy: policies.admin, kind: "page" },
 *   { path: "/api/admin/**", policy: policies.admin, kind: "api" },
 * ]);
 */
export function definePathRules<D extends AccessDeclaration>(
  rules: readonly PathRule<D>[],
): readonly CompiledPathRule<D>[] {
  if (!Array.isArray(rules))
    throw new AuthzConfigError("invalid_path_rule", "path rules", "expected an array");
  return Object.freeze(
    rules.map((rule, index): CompiledPathRule<D> => {
      const where = `path rule #${index} (${String(rule?.path)})`;
      if (typeof rule !== "object" || rule === null)
        throw new AuthzConfigError("invalid_path_rule", where, `expected an object`);
      const pattern = compilePathPattern(rule.path);
      if (!isPolicy(rule.policy))
        throw new AuthzConfigError(
          "invalid_path_rule",
          where,
          `policy must be a policy made by access.policy()`,
        );
      if (rule.kind !== "api" && rule.kind !== "page")
        throw new AuthzConfigError("invalid_path_rule", where, `kind must be "api" or "page"`);
      let methods: ReadonlySet<string> | undefined;
      if (rule.methods !== undefined) {
        if (!Array.isArray(rule.methods) || rule.methods.length === 0)
          throw new AuthzConfigError(
            "invalid_path_rule",
            where,
            `methods must be a non-empty list`,
          );
        for (const m of rule.methods)
          if (!METHOD_SET.has(m))
            throw new AuthzConfigError(
              "invalid_path_rule",
              where,
              `unknown method "${String(m)}" (upper case: ${HTTP_METHODS.join(", ")})`,
            );
        methods = new Set(rule.methods.includes("GET") ? [...rule.methods, "HEAD"] : rule.methods);
      }
      const covered = methods;
      return Object.freeze({
        ...rule,
        // Methods compare upper-case: Node and Next pass `get` through as `GET` anyway, and an
        // odd spelling must not dodge a method-limited rule.
        applies: (method: string, forms: readonly PathForm[]) =>
          (covered === undefined || covered.has(method.toUpperCase())) && pattern.test(forms),
      });
    }),
  );
}
