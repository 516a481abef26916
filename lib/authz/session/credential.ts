/**
 * Credential sources: how the kit learns who is asking, from any sign-in library or from a program.
 * A source reads one kind of credential from a request and answers with one of four outcomes; the
 * kit composes sources and decides. Today's `SessionSource` function shape stays valid: it is
 * adapted by `credentialSource` as an edge-safe cookie session source.
 *
 * @see docs/sessions.md#credential-sources
 */
import type { CredentialKind, SessionClaims, SessionSource } from "./source";

// Declared in the leaf source.ts, so types.ts can name it and stay a leaf.
export type { CredentialKind } from "./source";

/** Where a source can run: Web APIs only, Node (a database, Node crypto), or Next's request scope. */
export type SourceRuntime = "edge" | "node" | "request-scope";

/** Who a verified credential speaks for, in the kit's vocabulary (never a library's raw claims). */
export interface Authenticated {
  /** Claims the kit parses into a Subject: `sub`, `email`, `name`, `role`/`roles`, `tenant`, `plan`. */
  readonly claims: SessionClaims;
  /** A person, or a program acting for itself (client credentials, an org-owned API key). */
  readonly kind: "user" | "machine";
  readonly credential: CredentialKind;
  /** The source's name, e.g. `"better-auth"`, `"oidc:https://issuer.example"`, `"api-key"`. */
  readonly source: string;
  /** Unix seconds after which this result must not be reused. */
  readonly expiresAt?: number;
  /** Unix seconds of the last interactive sign-in; absent means unknown, and fresh rules refuse. */
  readonly authTime?: number;
  readonly acr?: string;
  readonly amr?: readonly string[];
  /** OAuth scopes or API-key permissions. */
  readonly scopes?: readonly string[];
  /** The session's id, for revocation lists and the decision log (never the token). */
  readonly sessionId?: string;
  /** A non-secret label for the decision log: an API key's visible prefix, an OAuth client id. */
  readonly label?: string;
  /** The credential's own rate limit (an API key's), counted by the kit beside the policy's. */
  readonly rateLimit?: { readonly id: string; readonly limit: number; readonly windowMs: number };
  /**
   * Headers the source asks to add to the answer that lets this request through, appended as they
   * are (Better Auth's refreshed `Set-Cookie` lines); `withAuthorization` adds them, a refusal never.
   * They belong to this request alone: a source never hands them out of a cache shared by requests.
   */
  readonly responseHeaders?: readonly ResponseHeader[];
}

/** One header line to append to a response: `[name, value]` (a name may repeat, as `Set-Cookie`). */
export type ResponseHeader = readonly [name: string, value: string];

/** Why a present credential was refused, in RFC 6750's words where one fits. */
export type InvalidCredential = "invalid_token" | "invalid_request" | "invalid_api_key";

/** What a source says about one request. */
export type SourceOutcome =
  /** No credential of this kind: the next source is asked. */
  | { readonly status: "none" }
  /**
   * A credential is present but cannot be decided here (an expired cookie cache at the Edge):
   * middleware lets the request through and the handler decides with a source that can.
   */
  | { readonly status: "unknown"; readonly reason: string }
  /** Present and refused: the request is refused and never falls back to another source. */
  | { readonly status: "invalid"; readonly error: InvalidCredential; readonly description?: string }
  | { readonly status: "ok"; readonly auth: Authenticated };

/** One `WWW-Authenticate` challenge: a scheme and its auth-params. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Reads one kind of credential. A throw means the source is unavailable: the kit refuses (503). */
export interface CredentialSource {
  readonly name: string;
  readonly kind: CredentialKind;
  readonly runtime: SourceRuntime;
  /** This source's share of a 401's `WWW-Authenticate`. */
  readonly challenge?: Challenge;
  read(request: Request): Promise<SourceOutcome>;
}

/** What `AuthzOptions.session` takes: a source, several (asked in order), or today's function shape. */
export type SessionInput =
  SessionSource | CredentialSource | readonly (CredentialSource | SessionSource)[];

/** Whether a value is a `CredentialSource` rather than today's function shape. */
export function isCredentialSource(value: unknown): value is CredentialSource {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { read?: unknown }).read === "function" &&
    typeof (value as { kind?: unknown }).kind === "string"
  );
}

/**
 * Adapts today's `SessionSource` function: claims are an edge-safe cookie session, `null` is no
 * credential. The time of sign-in is the claims' numeric `auth_time` when the app's sign-in sets
 * one (Auth.js renews `iat` on every refresh, so `iat` says nothing about it).
 *
 * @example
 * const source = credentialSource(authJsSession({ secret }), "authjs");
 */
export function credentialSource(read: SessionSource, name = "session"): CredentialSource {
  // A reader with a verified-result cache (authJsSession) hands back the same frozen claims for the
  // same cookie: they get the same frozen credential, so what is derived from it is derived once.
  const known = new WeakMap<SessionClaims, Authenticated>();
  return {
    name,
    kind: "session",
    runtime: "edge",
    async read(request) {
      const claims = await read(request);
      if (claims === null) return { status: "none" };
      let auth = known.get(claims);
      if (auth === undefined) {
        const authTime = typeof claims.auth_time === "number" ? claims.auth_time : undefined;
        auth = {
          claims,
          kind: "user",
          credential: "session",
          source: name,
          ...(authTime === undefined ? {} : { authTime }),
        };
        if (Object.isFrozen(claims)) known.set(claims, Object.freeze(auth));
      }
      return { status: "ok", auth };
    },
  };
}
