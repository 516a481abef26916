/**
 * Cookie header parsing and Auth.js chunk reassembly, without a cookie library, so that the
 * session readers stay edge-safe and small.
 */

const SPACE = 0x20;
const TAB = 0x09;

// Optional whitespace around cookie names and values (RFC 6265 OWS): spaces and tabs only.
const isBlank = (code: number): boolean => code === SPACE || code === TAB;

function trimSpaces(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isBlank(value.charCodeAt(start))) start++;
  while (end > start && isBlank(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

// Same rule as the `cookie` package Auth.js vendors: only values with `%` are decoded, and a
// malformed escape leaves the value as sent instead of failing the whole header.
function decodeValue(value: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Parses a `Cookie` header into a name → value map. The first occurrence of a name wins (browsers
 * send the most specific path first, and that is what Auth.js reads); pairs without `=` are
 * skipped; a value keeps any `=` after the first.
 *
 * @example
 * parseCookieHeader("a=1; b=x=y; a=2").get("a"); // "1"
 */
export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1) continue;
    const name = trimSpaces(pair.slice(0, eq));
    if (!name || cookies.has(name)) continue;
    cookies.set(name, decodeValue(trimSpaces(pair.slice(eq + 1))));
  }
  return cookies;
}

// The last header parsed: a request's sources (and a source's two cookies) read the same header
// one after another, so it is split once. Read-only by type: every reader shares the map.
let lastHeader: string | undefined;
let lastCookies: ReadonlyMap<string, string> = new Map();

/**
 * {@link parseCookieHeader} for readers: the same map for the same header as the call before,
 * without splitting it again.
 *
 * @example
 * cookiesOf(request.headers.get("cookie") ?? "").get("better-auth.session_token");
 */
export function cookiesOf(header: string): ReadonlyMap<string, string> {
  if (header !== lastHeader) {
    lastCookies = parseCookieHeader(header);
    lastHeader = header;
  }
  return lastCookies;
}

// A chunk suffix is a canonical decimal index: "0", "1", ... (no sign, no leading zeros).
const CHUNK_INDEX = /^(?:0|[1-9][0-9]{0,3})$/;

/**
 * Reads a possibly chunked cookie (`name`, or `name.0`, `name.1`, ...) as Auth.js writes it; null
 * when absent, not contiguous from `.0`, or longer than `maxLength` characters.
 *
 * @example
 * readChunkedCookie("authjs.session-token.1=def; authjs.session-token.0=abc", "authjs.session-token"); // "abcdef"
 * @see docs/sessions.md#chunked-cookies
 */
export function readChunkedCookie(
  header: string | null | undefined,
  name: string,
  maxLength = Number.POSITIVE_INFINITY,
): string | null {
  if (!header || !header.includes(name)) return null;
  const cookies = cookiesOf(header);
  const whole = cookies.get(name);
  // Auth.js deletes the other form whenever it switches between chunked and whole, so both present
  // means a stale leftover; the whole cookie is the one it last wrote as a unit.
  if (whole) return whole.length > maxLength ? null : whole;

  const prefix = `${name}.`;
  const chunks: string[] = [];
  for (const [cookieName, value] of cookies) {
    if (!cookieName.startsWith(prefix) || !value) continue;
    const suffix = cookieName.slice(prefix.length);
    if (!CHUNK_INDEX.test(suffix)) continue;
    chunks[Number(suffix)] = value;
  }
  if (chunks.length === 0) return null;
  let joined = "";
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i];
    if (chunk === undefined) return null;
    joined += chunk;
    if (joined.length > maxLength) return null;
  }
  return joined;
}
