/**
 * CIDR lists: which addresses an allow or deny list covers. Every entry is checked when the
 * matcher is built, so a typo fails at start-up. Edge-safe, no dependencies.
 */
import { AuthzConfigError } from "../errors";
import {
  isMapped,
  MAX_IP_TEXT,
  parseIp,
  v4Text,
  v4Value,
  v6Text,
  v6Words,
  type ParsedIp,
} from "./address";

/**
 * Builds a matcher for a non-empty CIDR list; every entry is checked now, so a typo fails at start-up.
 *
 * @example
 * const isOps = ipMatcher(["10.0.0.0/8", "2001:db8::/32", "203.0.113.7"]);
 * isOps("10.1.2.3"); // true
 * isOps(null); // false
 * @see docs/addresses.md#cidr-lists
 */
export function ipMatcher(
  cidrs: readonly string[],
): (ip: ParsedIp | string | null | undefined) => boolean {
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    throw new AuthzConfigError(
      "invalid_cidr",
      "CIDR list",
      "expected a non-empty array of CIDR strings",
    );
  }
  const v4: { net: number; mask: number }[] = [];
  const v6: { net: readonly number[]; mask: readonly number[] }[] = [];
  for (const entry of cidrs) {
    const rule = parseCidr(entry);
    if (rule === null)
      throw new AuthzConfigError("invalid_cidr", `CIDR`, `${JSON.stringify(String(entry))}`);
    if (typeof rule === "string")
      throw new AuthzConfigError("invalid_cidr", `CIDR`, `${JSON.stringify(entry)} (${rule})`);
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
