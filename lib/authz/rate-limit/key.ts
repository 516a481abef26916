/**
 * Rate-limit keys: what a counter is per. Pure and Edge-safe.
 *
 * Each part is percent-encoded before it is joined, so no operation name or user id can contain
 * the separator and two different (operation, subject) pairs never share a key. IPv6 clients are
 * counted per network (a /64 by default): one subscriber commonly holds a whole /64, so counting
 * single addresses would let anyone with a /64 pick a fresh address per request.
 */
import { parseIp } from "../ip";

/** The default IPv6 prefix length a per-address limit counts by: one subscriber's /64. */
export const DEFAULT_IPV6_PREFIX = 64;

const part = (value: string): string => encodeURIComponent(value);

/**
 * The network an address is counted as: IPv4 as itself, IPv6 masked to `ipv6Prefix` bits.
 *
 * @example
 * rateLimitAddress("2001:db8:1:2:aaaa::1", 64); // "2001:db8:1:2::/64"
 */
export function rateLimitAddress(ip: string, ipv6Prefix = DEFAULT_IPV6_PREFIX): string | null {
  const parsed = parseIp(ip);
  if (parsed === null) return null;
  if (parsed.version === 4) return parsed.address;
  if (ipv6Prefix >= 128) return parsed.address;
  const groups: number[] = [];
  for (const word of parsed.words) groups.push(word >>> 16, word & 0xffff);
  const masked = groups.map((group, i) => {
    const bits = Math.min(16, Math.max(0, ipv6Prefix - 16 * i));
    return bits === 0 ? 0 : group & ((0xffff << (16 - bits)) & 0xffff);
  });
  // Canonical text of the masked network (RFC 5952 zero compression via the parser).
  const text = parseIp(masked.map((g) => g.toString(16)).join(":"))?.address ?? "";
  return `${text}/${ipv6Prefix}`;
}

/**
 * The store key of one operation for one user: `<operation>:user:<id>`, each part encoded.
 *
 * @example
 * rateLimitKeyForUser("reports.export", "user:1"); // "reports.export:user:user%3A1"
 */
export function rateLimitKeyForUser(operation: string, userId: string): string {
  return `${part(operation)}:user:${part(userId)}`;
}

/**
 * The store key of one operation for one client network (see `rateLimitAddress`).
 *
 * @example
 * rateLimitKeyForAddress("login", "203.0.113.9"); // "login:ip:203.0.113.9"
 */
export function rateLimitKeyForAddress(operation: string, network: string): string {
  return `${part(operation)}:ip:${part(network)}`;
}
