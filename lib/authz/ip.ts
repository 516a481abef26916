/**
 * Client IP addresses under an explicit proxy trust model, and CIDR allow lists.
 *
 * Edge-safe: Web APIs only, no dependencies (the middleware bundle has a size budget). The parser is
 * proved against ipaddr.js in tests/unit/ip-parse.test.ts.
 *
 * Parsing rules (strict on purpose: an address that does not parse never matches, so a lenient
 * parser would only widen what a forged header can express):
 * - IPv4: dotted quad only, decimal, no leading zeros (`010.0.0.1` is octal to some parsers and
 *   decimal to others), no shorthand (`1.2.3`, `0x7f.1`, `2130706433`).
 * - IPv6: every RFC 4291 text form (`::`, `1::`, embedded dotted quad tail), hex case-insensitive.
 * - IPv4-mapped IPv6 (`::ffff:1.2.3.4`, `::ffff:102:304`) is returned as the IPv4 address, so one
 *   client has one spelling (allow lists, rate-limit keys). The deprecated IPv4-compatible form
 *   `::1.2.3.4` stays IPv6 (`::102:304`), as RFC 4291 defines it (ipaddr.js maps it; we do not).
 * - Zone ids (`fe80::1%eth0`) are rejected: they name an interface of the host that wrote them and
 *   mean nothing in a forwarded header; a refused address fails closed.
 * - `parseIp` takes no ports or brackets. Only entries of `X-Forwarded-For` may carry them
 *   (`1.2.3.4:5678`, `[2001:db8::1]:443`, `[2001:db8::1]`), because some proxies (Azure, IIS ARR)
 *   write them; the port is dropped.
 */

declare const parsedIpBrand: unique symbol;

/**
 * An IPv4 address (IPv4-mapped IPv6 included) as a 32-bit unsigned integer.
 *
 * @example
 * const ip = parseIp("::ffff:10.0.0.1");
 * if (ip?.version === 4) console.log(ip.value.toString(16)); // "a000001"
 */
export interface IPv4Address {
  readonly version: 4;
  /** The address as an unsigned 32-bit integer (`1.2.3.4` → `0x01020304`). */
  readonly value: number;
  /** Canonical text: dotted quad. */
  readonly address: string;
  readonly [parsedIpBrand]: true;
}

/**
 * An IPv6 address as four unsigned 32-bit words, most significant first.
 *
 * @example
 * const ip = parseIp("2001:DB8::1");
 * if (ip?.version === 6) console.log(ip.address, ip.words[0].toString(16)); // "2001:db8::1" "20010db8"
 */
export interface IPv6Address {
  readonly version: 6;
  readonly words: readonly [number, number, number, number];
  /** Canonical text (RFC 5952: lower case, longest zero run compressed). */
  readonly address: string;
  readonly [parsedIpBrand]: true;
}

/**
 * A parsed address. Only `parseIp` makes one (the brand keeps hand-made objects out).
 *
 * @example
 * const ip: ParsedIp | null = parseIp("2001:db8::1");
 */
export type ParsedIp = IPv4Address | IPv6Address;

const MAX_IP_TEXT = 45; // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"

/** Strict dotted quad in `s[from, to)` → uint32, or -1. */
function v4Value(s: string, from: number, to: number): number {
  let value = 0;
  let parts = 0;
  let i = from;
  while (parts < 4) {
    const start = i;
    let octet = 0;
    while (i < to) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || octet > 255 || (len > 1 && s.charCodeAt(start) === 48)) return -1;
    value = value * 256 + octet;
    parts++;
    if (parts < 4) {
      if (i >= to || s.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === to ? value : -1;
}

/** Hex group (1–4 digits) → value, or -1. */
function hexGroup(s: string): number {
  if (s.length === 0 || s.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lower = c | 0x20; // only for letters: OR-ing 0x20 would turn control characters into digits
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (lower >= 97 && lower <= 102) d = lower - 87;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Groups of one side of `::` (or the whole address); a dotted quad is allowed only last. */
function v6Groups(side: string, out: number[], allowV4Tail: boolean): boolean {
  if (side === "") return true;
  const parts = side.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (allowV4Tail && i === parts.length - 1 && part.includes(".")) {
      const v = v4Value(part, 0, part.length);
      if (v < 0) return false;
      out.push(v >>> 16, v & 0xffff);
    } else {
      const g = hexGroup(part);
      if (g < 0) return false;
      out.push(g);
    }
  }
  return true;
}

/** Any IPv6 text form → four words, without mapping to IPv4; null when invalid. */
function v6Words(s: string): [number, number, number, number] | null {
  if (s.includes("%")) return null;
  const gap = s.indexOf("::");
  const head: number[] = [];
  const tail: number[] = [];
  if (gap < 0) {
    if (!v6Groups(s, head, true) || head.length !== 8) return null;
  } else {
    if (s.indexOf("::", gap + 1) >= 0) return null;
    if (!v6Groups(s.slice(0, gap), head, false) || !v6Groups(s.slice(gap + 2), tail, true))
      return null;
    // "::" stands for at least one zero group.
    if (head.length + tail.length > 7) return null;
    while (head.length + tail.length < 8) head.push(0);
    head.push(...tail);
  }
  const g = head as [number, number, number, number, number, number, number, number];
  return [
    ((g[0] << 16) | g[1]) >>> 0,
    ((g[2] << 16) | g[3]) >>> 0,
    ((g[4] << 16) | g[5]) >>> 0,
    ((g[6] << 16) | g[7]) >>> 0,
  ];
}

function v4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text: lower-case hex, no leading zeros, the first longest run (≥ 2) of zero groups as "::". */
function v6Text(w: readonly [number, number, number, number]): string {
  const g: number[] = [];
  for (const word of w) g.push(word >>> 16, word & 0xffff);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** The one place a ParsedIp is minted (the brand is type-only: no runtime cost). */
function branded<T extends ParsedIp>(fields: Omit<T, typeof parsedIpBrand>): T {
  return fields as T;
}

function makeV4(value: number): IPv4Address {
  return branded<IPv4Address>({ version: 4, value, address: v4Text(value) });
}

function isMapped(w: readonly [number, number, number, number]): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0xffff;
}

/**
 * Parses one IP address strictly (see the module comment); IPv4-mapped IPv6 comes back as IPv4.
 *
 * @example
 * parseIp("::ffff:10.0.0.1")?.address; // "10.0.0.1"
 * parseIp("010.0.0.1"); // null (leading zero)
 * parseIp("fe80::1%eth0"); // null (zone ids are rejected)
 */
export function parseIp(text: string): ParsedIp | null {
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_IP_TEXT) return null;
  if (!text.includes(":")) {
    const v = v4Value(text, 0, text.length);
    return v < 0 ? null : makeV4(v);
  }
  const words = v6Words(text);
  if (words === null) return null;
  if (isMapped(words)) return makeV4(words[3]);
  return branded<IPv6Address>({ version: 6, words, address: v6Text(words) });
}

/** One `X-Forwarded-For` element: an address, `v4:port`, `[v6]` or `[v6]:port`. */
function parseForwardedEntry(raw: string): ParsedIp | null {
  const entry = raw.trim();
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    if (close < 0) return null;
    const rest = entry.slice(close + 1);
    if (rest !== "" && !isPort(rest)) return null;
    const inner = entry.slice(1, close);
    return inner.includes(":") ? parseIp(inner) : null;
  }
  const colon = entry.indexOf(":");
  if (colon >= 0 && entry.indexOf(":", colon + 1) < 0) {
    // Exactly one colon cannot be IPv6: it is `v4:port`.
    return isPort(entry.slice(colon)) ? parseIp(entry.slice(0, colon)) : null;
  }
  return parseIp(entry);
}

/** ":1" … ":65535" without leading zeros. */
function isPort(s: string): boolean {
  return /^:[1-9]\d{0,4}$/.test(s) && Number(s.slice(1)) <= 65535;
}

/**
 * Builds a matcher for a CIDR list; every entry is checked now, so a typo fails at start-up.
 *
 * Entries are `a.b.c.d/n` (n 0–32), `v6/n` (n 0–128) or a bare address (/32, /128). Host bits must
 * be zero (`10.0.0.1/8` throws: it is more often a typo than a network). IPv4-mapped ranges
 * (`::ffff:10.0.0.0/104`) match the IPv4 addresses they contain, and an IPv6 range that covers all of
 * `::ffff:0:0/96` (`::/0`) also matches every IPv4 address. An address that does not parse never
 * matches.
 *
 * @param cidrs Non-empty list of CIDR strings.
 * @throws TypeError `Invalid CIDR: "<entry>"` for a malformed entry; for an empty list.
 * @example
 * const isOps = ipMatcher(["10.0.0.0/8", "2001:db8::/32", "203.0.113.7"]);
 * isOps("10.1.2.3"); // true
 * isOps(null); // false
 */
export function ipMatcher(
  cidrs: readonly string[],
): (ip: ParsedIp | string | null | undefined) => boolean {
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    throw new TypeError("Invalid CIDR list: expected a non-empty array of CIDR strings");
  }
  const v4: { net: number; mask: number }[] = [];
  const v6: { net: readonly number[]; mask: readonly number[] }[] = [];
  for (const entry of cidrs) {
    const rule = parseCidr(entry);
    if (rule === null) throw new TypeError(`Invalid CIDR: ${JSON.stringify(String(entry))}`);
    if (typeof rule === "string")
      throw new TypeError(`Invalid CIDR: ${JSON.stringify(entry)} (${rule})`);
    for (const r of rule) {
      if (r.kind === 4) v4.push({ net: r.net, mask: r.mask });
      else v6.push({ net: r.net, mask: r.mask });
    }
  }
  return (input) => {
    const ip = typeof input === "string" ? parseIp(input) : input;
    if (ip === null || ip === undefined || typeof ip !== "object") return false;
    if (ip.version === 4) {
      const v = ip.value;
      for (const r of v4) if ((v & r.mask) >>> 0 === r.net) return true;
      return false;
    }
    const w = ip.words;
    outer: for (const r of v6) {
      for (let i = 0; i < 4; i++) {
        if ((w[i]! & r.mask[i]!) >>> 0 !== r.net[i]) continue outer;
      }
      return true;
    }
    return false;
  };
}

type CidrRule =
  | { kind: 4; net: number; mask: number }
  | { kind: 6; net: readonly number[]; mask: readonly number[] };

function v4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Rules for one entry, null (malformed), or a string explaining a well-formed but refused entry. */
function parseCidr(entry: unknown): CidrRule[] | string | null {
  if (typeof entry !== "string") return null;
  const text = entry; // no trimming: callers that split lists trim; a stray space here is a typo
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  let prefix = -1;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    prefix = Number(p);
  }
  if (!addr.includes(":")) {
    const v = addr.length <= MAX_IP_TEXT ? v4Value(addr, 0, addr.length) : -1;
    if (v < 0 || prefix > 32) return null;
    const bits = prefix < 0 ? 32 : prefix;
    const mask = v4Mask(bits);
    if ((v & mask) >>> 0 !== v)
      return `host bits set; did you mean "${v4Text((v & mask) >>> 0)}/${bits}"?`;
    return [{ kind: 4, net: v, mask }];
  }
  const w = addr.length <= MAX_IP_TEXT ? v6Words(addr) : null;
  if (w === null || prefix > 128) return null;
  const bits = prefix < 0 ? 128 : prefix;
  const mask = [0, 1, 2, 3].map((i) => {
    const b = Math.min(32, Math.max(0, bits - 32 * i));
    return b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
  });
  const net = w.map((x, i) => (x & mask[i]!) >>> 0);
  if (net.some((x, i) => x !== w[i])) {
    return `host bits set; did you mean "${v6Text(net as [number, number, number, number])}/${bits}"?`;
  }
  // parseIp turns mapped addresses into IPv4, so a range inside ::ffff:0:0/96 becomes an IPv4 range,
  // and a range that contains all of it (bits <= 96, e.g. ::/0) also matches every IPv4 address.
  // A range with bits <= 96 either contains all of ::ffff:0:0/96 or none of it.
  if (bits > 96)
    return isMapped(w)
      ? [{ kind: 4, net: w[3], mask: v4Mask(bits - 96) }]
      : [{ kind: 6, net, mask }];
  const coversMapped = net[0] === 0 && net[1] === 0 && (0xffff & mask[2]!) >>> 0 === net[2];
  return coversMapped
    ? [
        { kind: 6, net, mask },
        { kind: 4, net: 0, mask: 0 },
      ]
    : [{ kind: 6, net, mask }];
}

/**
 * Who may write the client address into the request: the deployment states it, the kit never guesses.
 *
 * - `none`: nobody; forwarded headers are the client's own claim, the address is unknown (null).
 * - `vercel`: Vercel's edge sets `x-vercel-forwarded-for` / `x-forwarded-for` itself.
 * - `hops`: exactly `hops` proxies in front, each appending its peer to `X-Forwarded-For`.
 * - `cidrs`: proxies are recognised by address; the first entry from the right outside them is the client.
 *
 * @example
 * const trust: ProxyTrust = { kind: "hops", hops: 1 }; // one nginx in front
 */
export type ProxyTrust =
  | { readonly kind: "none" }
  | { readonly kind: "vercel" }
  | { readonly kind: "hops"; readonly hops: number }
  | { readonly kind: "cidrs"; readonly proxies: readonly string[] };

/**
 * What `clientIpFrom` reads: a `Request`, a `NextRequest`, or `{ headers: await headers() }`.
 *
 * @example
 * const source: HasHeaders = { headers: await headers() }; // in a server component
 */
export interface HasHeaders {
  readonly headers: { get(name: string): string | null };
}

/** RFC 9110 §5.6.1: list recipients ignore empty elements; trusted proxies never write one. */
function forwardedList(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
}

/**
 * Returns a function that finds the client address of a request under `trust`, or null if unknown.
 *
 * The result is canonical text (`parseIp(x).address`: mapped IPv6 as IPv4, RFC 5952 IPv6), so a
 * client cannot mint rate-limit keys by respelling its address. Rules:
 * - `none` → always null. `next start` passes a client-sent `X-Forwarded-For` through untouched and
 *   route handlers see no socket address, so nothing in the request is known to be true.
 * - `vercel` → `x-vercel-forwarded-for` (Vercel's own header: "identical to x-forwarded-for", which
 *   "could be overwritten if you're using a proxy on top of Vercel"), else the leftmost
 *   `x-forwarded-for` entry (Vercel overwrites that header "to prevent IP spoofing"). A present but
 *   malformed `x-vercel-forwarded-for` gives null, not a fallback. `x-real-ip` is not read. Only use
 *   this on Vercel: elsewhere these headers are client-controlled.
 * - `hops: N` → the Nth entry from the right of all `X-Forwarded-For` lines joined; fewer → null.
 * - `cidrs` → walk `X-Forwarded-For` from the right, skipping entries inside `proxies`; the first
 *   entry outside is the client. All entries trusted → null: a client inside the proxy ranges cannot
 *   be told from a proxy, and treating a proxy's address as the client would hand it whatever an
 *   allow list grants; list only the proxies' own addresses.
 * - An entry that does not parse where the client should be → null (entries may be `v4:port`,
 *   `[v6]`, `[v6]:port`). Entries left of the client position are never read, so spoofed leftmost
 *   entries change nothing. The RFC 7239 `Forwarded` header is not read.
 *
 * `hops` and `cidrs` assume the app is reachable only through those proxies (firewall the port):
 * without a socket address a direct client can write any `X-Forwarded-For` it likes.
 *
 * @throws TypeError at creation for an invalid trust (hops not a positive integer, bad CIDR).
 * @example
 * const clientIp = clientIpFrom({ kind: "hops", hops: 1 });
 * clientIp(new Request("https://x.test", { headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.9" } })); // "203.0.113.9"
 */
export function clientIpFrom(trust: ProxyTrust): (request: HasHeaders) => string | null {
  const text = (ip: ParsedIp | null) => (ip === null ? null : ip.address);
  switch (trust?.kind) {
    case "none":
      return () => null;
    case "vercel":
      return (request) => {
        const own = request.headers.get("x-vercel-forwarded-for");
        if (own !== null) {
          const first = forwardedList(own)[0];
          return first === undefined ? null : text(parseForwardedEntry(first));
        }
        const first = forwardedList(request.headers.get("x-forwarded-for"))[0];
        return first === undefined ? null : text(parseForwardedEntry(first));
      };
    case "hops": {
      const hops = trust.hops;
      if (!Number.isSafeInteger(hops) || hops < 1) {
        throw new TypeError(
          `Invalid proxy trust: hops must be an integer >= 1, got ${String(hops)}`,
        );
      }
      return (request) => {
        const list = forwardedList(request.headers.get("x-forwarded-for"));
        const entry = list[list.length - hops];
        return entry === undefined ? null : text(parseForwardedEntry(entry));
      };
    }
    case "cidrs": {
      const isProxy = ipMatcher(trust.proxies);
      return (request) => {
        const list = forwardedList(request.headers.get("x-forwarded-for"));
        for (let i = list.length - 1; i >= 0; i--) {
          const ip = parseForwardedEntry(list[i]!);
          if (ip === null) return null;
          if (!isProxy(ip)) return ip.address;
        }
        return null;
      };
    }
    default:
      throw new TypeError(`Invalid proxy trust: ${JSON.stringify(trust)}`);
  }
}

/** Options of `proxyTrustFromEnv`. */
export interface ProxyTrustFromEnvOptions {
  /**
   * Receives one line naming the chosen model and why, once per process for each distinct
   * outcome. Default: `console.info`; `false` logs nothing.
   */
  readonly log?: ((line: string) => void) | false;
}

const loggedTrust = new Set<string>();

/**
 * Reads the trust model from the environment: Vercel's deployment variables, `TRUSTED_PROXY_HOPS`
 * or `TRUSTED_PROXY_CIDRS`, and logs the model it chose once at start-up.
 *
 * The Vercel model needs more than `VERCEL=1`: `vercel env pull` writes `VERCEL="1"` (with
 * `VERCEL_ENV="development"`) into `.env.local`, and a file on a laptop or another host must not
 * switch on trust in client-sent forwarding headers. It is chosen only when `VERCEL=1`,
 * `VERCEL_ENV` is `production` or `preview`, and `VERCEL_URL` (the deployment's own host, empty
 * in a pulled file) is set: what a Vercel deployment sets at runtime. `VERCEL=1` without them is
 * ignored, and the log says so.
 *
 * Nothing set → `none`. Two models set, or an invalid value → TypeError naming the variable, so a
 * misconfigured deployment fails at start-up instead of trusting the wrong header.
 *
 * @example
 * const clientIp = clientIpFrom(proxyTrustFromEnv(process.env));
 */
export function proxyTrustFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: ProxyTrustFromEnvOptions = {},
): ProxyTrust {
  const set = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const vercelFlag = set("VERCEL");
  const hops = set("TRUSTED_PROXY_HOPS");
  const cidrs = set("TRUSTED_PROXY_CIDRS");
  if (vercelFlag !== undefined && vercelFlag !== "1") {
    throw new TypeError(`Invalid VERCEL: expected "1" or unset, got ${JSON.stringify(vercelFlag)}`);
  }
  const vercelEnv = set("VERCEL_ENV");
  const deployed =
    vercelFlag === "1" &&
    (vercelEnv === "production" || vercelEnv === "preview") &&
    set("VERCEL_URL") !== undefined;
  const vercel = deployed ? vercelFlag : undefined;
  const count = [vercel, hops, cidrs].filter((v) => v !== undefined).length;
  if (count > 1) {
    throw new TypeError(
      "Invalid proxy trust: set only one of a Vercel deployment, TRUSTED_PROXY_HOPS, TRUSTED_PROXY_CIDRS",
    );
  }
  const log = (trust: ProxyTrust, why: string): ProxyTrust => {
    const line = `[authz] proxy trust: ${trust.kind === "hops" ? `hops (${trust.hops})` : trust.kind === "cidrs" ? `cidrs (${trust.proxies.join(", ")})` : trust.kind}, ${why}`;
    if (options.log !== false && !loggedTrust.has(line)) {
      loggedTrust.add(line);
      (options.log ?? console.info)(line);
    }
    return trust;
  };
  if (vercel !== undefined)
    return log({ kind: "vercel" }, `from VERCEL=1 with VERCEL_ENV=${vercelEnv} and VERCEL_URL`);
  if (hops !== undefined) {
    if (!/^[1-9]\d{0,2}$/.test(hops)) {
      throw new TypeError(
        `Invalid TRUSTED_PROXY_HOPS: expected an integer from 1 to 999, got ${JSON.stringify(hops)}`,
      );
    }
    return log({ kind: "hops", hops: Number(hops) }, "from TRUSTED_PROXY_HOPS");
  }
  if (cidrs !== undefined) {
    const proxies = cidrs.split(",").map((s) => s.trim());
    try {
      ipMatcher(proxies);
    } catch (error) {
      throw new TypeError(
        `Invalid TRUSTED_PROXY_CIDRS: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return log({ kind: "cidrs", proxies }, "from TRUSTED_PROXY_CIDRS");
  }
  return log(
    { kind: "none" },
    vercelFlag === "1"
      ? `VERCEL=1 ignored without a deployment's VERCEL_ENV (production or preview) and VERCEL_URL (a pulled .env file?): client addresses are unknown`
      : "no trusted proxy configured: client addresses are unknown",
  );
}
