import { parseIp } from "../ip/address";

/**
 * What the log keeps of a client address: its /24 or /48 network (`full`: the whole address), or
 * null when it does not parse.
 *
 * @example
 * logAddress("203.0.113.77", "truncate"); // "203.0.113.0/24"
 * @see docs/decision-log.md#addresses-in-the-log
 */
export function logAddress(ip: string | null, mode: "truncate" | "full"): string | undefined {
  if (ip === null) return undefined;
  const parsed = parseIp(ip);
  if (parsed === null) return undefined;
  if (mode === "full") return parsed.address;
  if (parsed.version === 4) {
    const v = parsed.value >>> 8;
    return `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}.0/24`;
  }
  const [w0, w1] = parsed.words;
  const hex = (n: number) => n.toString(16);
  const net = parseIp(`${hex(w0 >>> 16)}:${hex(w0 & 0xffff)}:${hex(w1 >>> 16)}::`);
  return net === null ? undefined : `${net.address}/48`;
}

/** The path of a request URL without its query string or fragment (they may carry tokens). */
export function logPath(url: string): string {
  const start = url.indexOf("//");
  const slash = start < 0 ? url.indexOf("/") : url.indexOf("/", start + 2);
  if (slash < 0) return "/";
  let end = url.length;
  for (const mark of ["?", "#"]) {
    const at = url.indexOf(mark, slash);
    if (at >= 0 && at < end) end = at;
  }
  return url.slice(slash, end);
}
