/**
 * The demo users' session claims (the README's demo users, and dave of "Organizations") as the demo's Auth.js `jwt` callback writes them,
 * and a tampered copy of a cookie: shared by the suites that sign their own sessions.
 */
export const DEMO_CLAIMS = {
  alice: {
    sub: "user-alice",
    email: "alice@example.com",
    name: "Alice",
    role: "admin",
    tenant: "acme",
    plan: "pro",
  },
  bob: {
    sub: "user-bob",
    email: "bob@example.com",
    name: "Bob",
    role: "member",
    tenant: "acme",
    plan: "free",
  },
  carol: {
    sub: "user-carol",
    email: "carol@example.com",
    name: "Carol",
    role: "member",
    tenant: "globex",
    plan: "pro",
  },
  dave: {
    sub: "user-dave",
    email: "dave@example.com",
    name: "Dave",
    role: "member",
    tenant: "acme",
    plan: "pro",
  },
} as const;

/** Flips one base64url character in the middle of the JWE ciphertext, so the tag no longer verifies. */
export function tamperSessionCookie(cookie: string): string {
  const [name, token = ""] = cookie.split(/=(.*)/s);
  const parts = token.split(".");
  const ciphertext = parts[3] ?? "";
  const i = Math.floor(ciphertext.length / 2);
  parts[3] = ciphertext.slice(0, i) + (ciphertext[i] === "A" ? "B" : "A") + ciphertext.slice(i + 1);
  return `${name}=${parts.join(".")}`;
}
