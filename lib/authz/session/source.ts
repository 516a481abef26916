/**
 * Where the kit gets a session from. A source reads the request (cookies, headers) and returns the
 * raw claims of a valid session, or `null` when there is none or it is not valid. It may throw:
 * the kit treats a throw as an error and denies (fail closed), never as "signed in".
 */
export type SessionSource = (request: Request) => Promise<SessionClaims | null>;

/** The decrypted payload of a session (an Auth.js JWT: `sub`, `email`, `exp`, custom claims). */
export type SessionClaims = Readonly<Record<string, unknown>>;

/** The kinds of credential a policy may accept (`accepts`): a browser session, or a program's. */
export type CredentialKind = "session" | "bearer" | "api_key";
