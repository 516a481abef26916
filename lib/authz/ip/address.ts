/**
 * IP address text, parsed strictly into a branded value: an address that does not parse never
 * matches, so a lenient parser would only widen what a forged header can express. Edge-safe, no
 * dependencies; proved against ipaddr.js in tests/unit/ip-address.test.ts.
 *
 * @see docs/addresses.md#parsing
 */

declare const parsedIpBrand: unique symbol;

/**
 * An IPv4 address (IPv4-mapped IPv6 included) as a 32-bit unsigned integer.
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
 */
export type ParsedIp = IPv4Address | IPv6Address;

/** The longest address text: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255". */
export const MAX_IP_TEXT = 45;

// Character codes the parsers compare against.
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DOT = 0x2e;
const LOWER_A = 0x61;
const LOWER_F = 0x66;
/** ORed into an ASCII letter, gives its lower case. */
const ASCII_CASE_BIT = 0x20;

/** Strict dotted quad in `s[from, to)` → uint32, or -1. */
export function v4Value(s: string, from: number, to: number): number {
  let value = 0;
  let parts = 0;
  let i = from;
  while (parts < 4) {
    const start = i;
    let octet = 0;
    while (i < to) {
      const c = s.charCodeAt(i);
      if (c < DIGIT_0 || c > DIGIT_9) break;
      octet = octet * 10 + (c - DIGIT_0);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || octet > 255 || (len > 1 && s.charCodeAt(start) === DIGIT_0))
      return -1;
    value = value * 256 + octet;
    parts++;
    if (parts < 4) {
      if (i >= to || s.charCodeAt(i) !== DOT) return -1;
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
    // Only for letters: OR-ing the case bit would turn control characters into digits.
    const lower = c | ASCII_CASE_BIT;
    let d: number;
    if (c >= DIGIT_0 && c <= DIGIT_9) d = c - DIGIT_0;
    else if (lower >= LOWER_A && lower <= LOWER_F) d = lower - LOWER_A + 10;
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
export function v6Words(s: string): [number, number, number, number] | null {
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

export function v4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text: lower-case hex, no leading zeros, the first longest run (≥ 2) of zero groups as "::". */
export function v6Text(w: readonly [number, number, number, number]): string {
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

export function isMapped(w: readonly [number, number, number, number]): boolean {
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
