/**
 * Composes the credential sources a kit is given: the order they are asked in, where they may
 * run, and the `WWW-Authenticate` challenge each kind answers a 401 with. Edge-safe.
 *
 * @see docs/credentials.md#credential-kinds
 */
import { AuthzConfigError } from "../errors";
import {
  credentialSource,
  isCredentialSource,
  type Challenge,
  type CredentialKind,
  type CredentialSource,
  type SessionInput,
  type SourceOutcome,
} from "./credential";
import type { SessionSource } from "./source";

// Today's function shape, adapted: a throw there stays a 500, as it always was; a throw from a
// CredentialSource means the source is unavailable (503, with Retry-After).
const adaptedSources = new WeakSet<CredentialSource>();

/** Whether a source is an adapted `SessionSource` function rather than a `CredentialSource`. */
export function isAdaptedSource(source: CredentialSource): boolean {
  return adaptedSources.has(source);
}

/** Where a checker runs: Edge middleware, Node `proxy.ts`, or server code (handlers, pages, actions). */
export type CheckerRuntime = "edge" | "nodejs" | "server";

/** The kinds a policy may accept, in the order the kit names them. */
export const CREDENTIAL_KINDS: readonly CredentialKind[] = ["session", "bearer", "api_key"];

// Header credentials first: a request that carries one is decided by it, never by a cookie.
const rank = (source: CredentialSource): number => (source.kind === "session" ? 1 : 0);

/**
 * The sources of `AuthzOptions.session` as a list, header credentials (bearer, API key) before
 * cookie sessions, in the given order otherwise; today's function shape becomes a cookie source.
 * Throws `AuthzConfigError` for an empty list or something that is not a source.
 *
 * @example
 * const sources = credentialSources([authJsSession({ secret }), bearerSource]); // [bearer, session]
 */
export function credentialSources(input: SessionInput): readonly CredentialSource[] {
  const list: readonly unknown[] = Array.isArray(input) ? input : [input];
  if (list.length === 0)
    throw new AuthzConfigError("invalid_authz_options", "session", "the source list is empty");
  const sources = list.map((item, index): CredentialSource => {
    if (isCredentialSource(item)) {
      if (!CREDENTIAL_KINDS.includes(item.kind))
        throw new AuthzConfigError(
          "invalid_authz_options",
          `session source "${item.name}"`,
          `kind must be one of ${CREDENTIAL_KINDS.join(", ")}, got ${JSON.stringify(item.kind)}`,
        );
      return item;
    }
    if (typeof item === "function") {
      const adapted = credentialSource(item as SessionSource);
      adaptedSources.add(adapted);
      return adapted;
    }
    throw new AuthzConfigError(
      "invalid_authz_options",
      `session[${index}]`,
      "expected a credential source or a function (request) => claims | null",
    );
  });
  return sources
    .map((source, index) => ({ source, index }))
    .sort((a, b) => rank(a.source) - rank(b.source) || a.index - b.index)
    .map(({ source }) => source);
}

/**
 * Refuses sources that cannot run where the checker runs: Edge middleware takes `edge` sources
 * only; `proxy.ts` (Node) also `node` ones; only server code can use `request-scope` sources.
 *
 * @example
 * assertRunnable(sources, "edge"); // throws for sessionFromBetterAuth(auth)
 */
export function assertRunnable(
  sources: readonly CredentialSource[],
  runtime: CheckerRuntime,
): void {
  for (const source of sources) {
    const ok =
      source.runtime === "edge" ||
      runtime === "server" ||
      (runtime === "nodejs" && source.runtime === "node");
    if (!ok)
      throw new AuthzConfigError(
        "invalid_authz_options",
        `session source "${source.name}"`,
        runtime === "edge"
          ? `it needs the ${source.runtime} runtime, and Edge middleware has only Web APIs; use it in route handlers (createAuthz), or run the middleware from proxy.ts with createChecker({ ..., runtime: "nodejs" })`
          : `it needs Next's request scope, which proxy.ts does not have; use it in route handlers, pages and actions (createAuthz)`,
      );
  }
}

/** What the sources say about a request, for the policy to decide on. */
export type CredentialReading =
  /** One source decided: the credential's kind and its outcome (`invalid` or `ok`). */
  | {
      readonly status: "decided";
      readonly source: CredentialSource;
      readonly outcome: Extract<SourceOutcome, { status: "invalid" | "ok" }>;
    }
  /** No source found a credential of its kind. */
  | { readonly status: "none" }
  /** A credential is present, but no source could decide it here. */
  | { readonly status: "unknown"; readonly reason: string };

/** A source that threw: it is unavailable, and the kit refuses. `cause` is what it threw. */
export class SourceError extends Error {
  override readonly name = "SourceError";
  readonly source: CredentialSource;

  constructor(source: CredentialSource, cause: unknown) {
    super(`credential source "${source.name}" failed`, { cause });
    this.source = source;
  }
}

/**
 * Asks the sources in order: the first that decides (`invalid` or `ok`) wins and nothing falls
 * back from it; `none` and `unknown` go on to the next, except that an `unknown` header
 * credential (bearer, API key) is never decided by a cookie. A throw becomes a `SourceError`.
 *
 * @example
 * const reading = await readCredential(sources, request);
 */
export async function readCredential(
  sources: readonly CredentialSource[],
  request: Request,
): Promise<CredentialReading> {
  let unknown: string | undefined;
  let headerUnknown = false;
  for (const source of sources) {
    // A header credential that could not be decided here still rules out every cookie.
    if (headerUnknown && source.kind === "session") continue;
    let outcome: SourceOutcome;
    try {
      outcome = await source.read(request);
    } catch (error) {
      throw new SourceError(source, error);
    }
    if (outcome.status === "ok" || outcome.status === "invalid")
      return { status: "decided", source, outcome };
    if (outcome.status === "unknown") {
      unknown ??= outcome.reason;
      if (source.kind !== "session") headerUnknown = true;
    } else if (outcome.status !== "none")
      throw new TypeError(`source "${source.name}" answered an unknown outcome`);
  }
  return unknown === undefined ? { status: "none" } : { status: "unknown", reason: unknown };
}

// RFC 9110 §11.2: auth-param values are tokens or quoted strings. Numbers go bare, as RFC 9470
// writes max_age=600; everything else is quoted, as RFC 6750 writes error="invalid_token".
const quoted = (value: string): string =>
  /^\d+$/.test(value) ? value : `"${value.replace(/["\\]/g, "\\$&")}"`;

/**
 * One `WWW-Authenticate` challenge as a header value; `first` params go before the source's own
 * (RFC 6750 puts `error` where clients look for it).
 *
 * @example
 * formatChallenge({ scheme: "Bearer", params: { realm: "api" } }, { error: "invalid_token" });
 * // 'Bearer error="invalid_token", realm="api"'
 */
export function formatChallenge(
  challenge: Challenge,
  first: Readonly<Record<string, string>> = {},
): string {
  const params = { ...first, ...challenge.params, ...first };
  const list = Object.entries(params).map(([name, value]) => `${name}=${quoted(value)}`);
  return list.length === 0 ? challenge.scheme : `${challenge.scheme} ${list.join(", ")}`;
}

/** The challenge a kind answers with when its sources give none of their own. */
export function defaultChallenge(kind: CredentialKind): Challenge {
  if (kind === "bearer") return { scheme: "Bearer", params: {} };
  if (kind === "api_key") return { scheme: "ApiKey", params: { header: "X-API-Key" } };
  return { scheme: "Cookie", params: {} };
}
