/**
 * The client address of a request under an explicit proxy trust model: who may write
 * `X-Forwarded-For` is stated by the deployment, never guessed. Edge-safe, no dependencies.
 */
import { AuthzConfigError } from "../errors";
import { parseIp, type ParsedIp } from "./address";
import { ipMatcher } from "./cidr";

/**
 * Who may write the client address into the request: the deployment states it, the kit never guesses.
 *
 * - `none`: nobody; forwarded headers are the client's own claim, the address is unknown (null).
 * - `vercel`: Vercel's edge sets `x-vercel-forwarded-for` / `x-forwarded-for` itself.
 * - `hops`: exactly `hops` proxies in front, each appending its peer to `X-Forwarded-For`.
 * - `cidrs`: proxies are recognised by address; the first entry from the right outside them is the client.
 */
export type ProxyTrust =
  | { readonly kind: "none" }
  | { readonly kind: "vercel" }
  | { readonly kind: "hops"; readonly hops: number }
  | { readonly kind: "cidrs"; readonly proxies: readonly string[] };

/**
 * What `clientIpFrom` reads: a `Request`, a `NextRequest`, or `{ headers: await headers() }`.
 */
export interface HasHeaders {
  readonly headers: { get(name: string): string | null };
}

/**
 * One `X-Forwarded-For` element. Unlike `parseIp`, it may carry a port or brackets
 * (`1.2.3.4:5678`, `[2001:db8::1]:443`, `[2001:db8::1]`), because some proxies (Azure, IIS ARR)
 * write them; the port is dropped.
 */
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

/** RFC 9110 §5.6.1: list recipients ignore empty elements; trusted proxies never write one. */
function forwardedList(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
}

/**
 * Returns a function that finds the client address of a request under `trust` (canonical text),
 * or null when it cannot be known.
 *
 * @example
 * const clientIp = clientIpFrom({ kind: "hops", hops: 1 });
 * clientIp(new Request("https://x.test", { headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.9" } })); // "203.0.113.9"
 * @see docs/addresses.md#trust-models
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
        throw new AuthzConfigError(
          "invalid_proxy_trust",
          `proxy trust`,
          `hops must be an integer >= 1, got ${String(hops)}`,
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
      throw new AuthzConfigError("invalid_proxy_trust", `proxy trust`, `${JSON.stringify(trust)}`);
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
 * Reads the trust model from the environment (Vercel's deployment variables, `TRUSTED_PROXY_HOPS`
 * or `TRUSTED_PROXY_CIDRS`) and logs the one it chose once; a pulled `VERCEL=1` alone trusts nothing.
 *
 * @example
 * const clientIp = clientIpFrom(proxyTrustFromEnv(process.env));
 * @see docs/addresses.md#trust-from-the-environment
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
    throw new AuthzConfigError(
      "invalid_proxy_trust",
      `VERCEL`,
      `expected "1" or unset, got ${JSON.stringify(vercelFlag)}`,
    );
  }
  const vercelEnv = set("VERCEL_ENV");
  const deployed =
    vercelFlag === "1" &&
    (vercelEnv === "production" || vercelEnv === "preview") &&
    set("VERCEL_URL") !== undefined;
  const vercel = deployed ? vercelFlag : undefined;
  const count = [vercel, hops, cidrs].filter((v) => v !== undefined).length;
  if (count > 1) {
    throw new AuthzConfigError(
      "invalid_proxy_trust",
      "proxy trust",
      "set only one of a Vercel deployment, TRUSTED_PROXY_HOPS, TRUSTED_PROXY_CIDRS",
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
      throw new AuthzConfigError(
        "invalid_proxy_trust",
        `TRUSTED_PROXY_HOPS`,
        `expected an integer from 1 to 999, got ${JSON.stringify(hops)}`,
      );
    }
    return log({ kind: "hops", hops: Number(hops) }, "from TRUSTED_PROXY_HOPS");
  }
  if (cidrs !== undefined) {
    const proxies = cidrs.split(",").map((s) => s.trim());
    try {
      ipMatcher(proxies);
    } catch (error) {
      throw new AuthzConfigError(
        "invalid_proxy_trust",
        `TRUSTED_PROXY_CIDRS`,
        `${error instanceof Error ? error.message : String(error)}`,
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
