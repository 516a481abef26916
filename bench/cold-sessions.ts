/**
 * Many distinct, valid Auth.js v5 session cookies for the cold-session HTTP row of `npm run bench`:
 * each request carries a token the kit's verified-token cache has never seen. `encode` from
 * `next-auth/jwt` costs about 0.7 ms a token; tens of thousands are made with node:crypto instead,
 * in exactly the format `encode` writes (its header, `kid` included, copied from one real token).
 */
import { hkdfSync } from "node:crypto";
import { encode } from "next-auth/jwt";
import { forgeJwe } from "../tests/support/forge-jwe";

/**
 * `count` cookie header values `<salt>=<token>`, each a different user, valid for `maxAgeSec`.
 *
 * @example
 * const cookies = await coldSessionCookies("secret", "authjs.session-token", 30_000);
 */
export async function coldSessionCookies(
  secret: string,
  salt: string,
  count: number,
  maxAgeSec = 3600,
): Promise<string[]> {
  const real = await encode({ token: { sub: "probe" }, secret, salt, maxAge: maxAgeSec });
  const header: unknown = JSON.parse(
    Buffer.from(real.slice(0, real.indexOf(".")), "base64url").toString(),
  );
  if (typeof header !== "object" || header === null) throw new Error("encode wrote no header");
  const key = Buffer.from(
    hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64),
  );
  const iat = Math.floor(Date.now() / 1000);
  const cookies: string[] = [];
  for (let i = 0; i < count; i++) {
    const claims = {
      sub: `user-cold-${i}`,
      name: `Cold ${i}`,
      role: "member",
      iat,
      exp: iat + maxAgeSec,
      jti: `cold-${i}-${iat}`,
    };
    cookies.push(
      `${salt}=${forgeJwe(header as Record<string, unknown>, JSON.stringify(claims), key, "A256CBC-HS512")}`,
    );
  }
  return cookies;
}
