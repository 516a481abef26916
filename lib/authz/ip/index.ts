/**
 * Client addresses: strict parsing (`address.ts`), CIDR lists (`cidr.ts`) and the client address
 * under a proxy trust model (`client.ts`).
 */
export { parseIp, type IPv4Address, type IPv6Address, type ParsedIp } from "./address";
export { ipMatcher } from "./cidr";
export { clientIpFrom, proxyTrustFromEnv, type HasHeaders, type ProxyTrust } from "./client";
