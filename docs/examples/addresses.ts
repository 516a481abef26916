// Client addresses: parse strictly, match CIDR lists (checked when built, fast per request).
import { clientIpFrom, ipMatcher, parseIp } from "@/lib/authz";

const office = ipMatcher(["203.0.113.0/24", "2001:db8:1::/48"]);
export const inOffice = office("::ffff:203.0.113.9"); // true: IPv4-mapped IPv6 is the IPv4 address
export const parsed = parseIp("2001:DB8::1")?.address; // "2001:db8::1"
export const garbage = parseIp("1.2.3"); // null: never matched by any list

// Behind exactly one proxy of yours that appends the peer address to X-Forwarded-For.
const clientIp = clientIpFrom({ kind: "hops", hops: 1 });
export const seen = clientIp(
  new Request("https://app.example", { headers: { "x-forwarded-for": "6.6.6.6, 198.51.100.4" } }),
); // "198.51.100.4"
