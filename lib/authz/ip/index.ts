/**
 * Client addresses: strict parsing (`address.ts`), CIDR lists (`cidr.ts`), the client address
 * under a proxy trust model (`client.ts`) and the host the browser addressed under it (`host.ts`).
 */
export { parseIp, type IPv4Address, type IPv6Address, type ParsedIp } from "./address";
export { ipMatcher } from "./cidr";
export { clientIpFrom, proxyTrustFromEnv, type HasHeaders, type ProxyTrust } from "./client";
export { requestHostFrom } from "./host";
