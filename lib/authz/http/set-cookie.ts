/**
 * A `Set-Cookie` line as the fields of Next's `cookies().set()`: where no answer of the kit's own
 * carries a credential's refreshed cookie (a server action), it goes through Next's cookie store,
 * which writes it back as the same line. Edge-safe and pure.
 */

/** The fields of one cookie, as Next's `cookies().set(cookie)` takes them. */
export interface SetCookieFields {
  readonly name: string;
  /** Decoded: Next encodes it again (`encodeURIComponent`) when it writes the header. */
  readonly value: string;
  readonly path?: string;
  readonly domain?: string;
  /** Seconds; 0 deletes the cookie, and is kept as 0. */
  readonly maxAge?: number;
  readonly expires?: Date;
  readonly httpOnly?: true;
  readonly secure?: true;
  readonly sameSite?: "lax" | "strict" | "none";
  readonly partitioned?: true;
}

const SAME_SITE = new Set(["lax", "strict", "none"]);

/**
 * Parses one `Set-Cookie` line (RFC 6265 §5.2: attribute names case-insensitive, unknown ones
 * ignored); null for a line without a `name=value` pair or whose value does not decode.
 *
 * @example
 * parseSetCookie("a=b%2Bc; Path=/; Max-Age=0; HttpOnly"); // { name: "a", value: "b+c", path: "/", maxAge: 0, httpOnly: true }
 */
export function parseSetCookie(line: string): SetCookieFields | null {
  const [pair = "", ...attributes] = line.split(";");
  const eq = pair.indexOf("=");
  const name = pair.slice(0, eq).trim();
  if (eq <= 0 || name === "") return null;
  let value: string;
  try {
    value = decodeURIComponent(pair.slice(eq + 1).trim());
  } catch {
    return null;
  }
  const fields: { -readonly [K in keyof SetCookieFields]: SetCookieFields[K] } = { name, value };
  for (const attribute of attributes) {
    const at = attribute.indexOf("=");
    const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const raw = at < 0 ? "" : attribute.slice(at + 1).trim();
    if (key === "path" && raw) fields.path = raw;
    else if (key === "domain" && raw) fields.domain = raw;
    else if (key === "max-age" && /^-?\d+$/.test(raw)) fields.maxAge = Math.max(0, Number(raw));
    else if (key === "expires" && Number.isFinite(Date.parse(raw))) fields.expires = new Date(raw);
    else if (key === "httponly") fields.httpOnly = true;
    else if (key === "secure") fields.secure = true;
    else if (key === "partitioned") fields.partitioned = true;
    else if (key === "samesite" && SAME_SITE.has(raw.toLowerCase()))
      fields.sameSite = raw.toLowerCase() as "lax" | "strict" | "none";
  }
  return fields;
}
